"""The report formats are defined once (kpi.report.formats): the CLI, the Reports page and the
writer dispatch all read the one registry."""

from __future__ import annotations

import importlib

import pytest

from kpi.cli import build_parser
from kpi.report.formats import FORMATS, MEDIA_TYPES, REPORT_FORMATS, report_format
from kpi.text.i18n import t


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_has_a_label_a_media_type_and_a_writer(name):
    item = report_format(name)
    assert item.name == name
    assert "/" in item.media_type and MEDIA_TYPES[name] == item.media_type
    for lang in ("sv", "en"):
        assert item.label(lang) and item.label(lang) != item.label_key
        assert t(item.label_key, lang) == item.label(lang)
    module, _, function = item.writer.partition(":")
    assert callable(getattr(importlib.import_module(module), function))


def test_the_cli_offers_exactly_the_registered_formats():
    parser = build_parser()
    report = next(
        action
        for action in parser._subparsers._group_actions[0].choices["report"]._actions
        if action.dest == "report_format"
    )
    assert tuple(report.choices) == tuple(REPORT_FORMATS)


def test_an_unknown_format_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="odt"):
        report_format("odt")
