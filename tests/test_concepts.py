"""Each concept is defined once, as data with its behaviour: every kind of goal has its judge, every
register has what every layer needs (keys, personal or not, shown columns, views, words), and the
places that used to keep their own copies read the one definition."""

from __future__ import annotations

from typing import get_args

import pytest

from kpi.judge.rules import JUDGES
from kpi.model import access
from kpi.model.kinds import KINDS, MetricKindCode
from kpi.model.registers import REGISTERS
from kpi.read.measures import MEASURES
from kpi.show.registers import register_title
from kpi.text.i18n import has_key
from kpi.write import files as write_files
from tests.support import metric
from ui.sections import VIEWS


def test_every_kind_of_goal_has_its_object_and_its_judge():
    assert set(KINDS) == set(get_args(MetricKindCode)) == set(JUDGES)
    for code, kind in KINDS.items():
        assert kind.code == code
        assert kind.has_targets or kind.has_due, code  # judged against something


def test_a_kind_says_what_a_goal_of_it_lacks():
    assert KINDS["milestone"].problems(metric(kind="milestone", due="2026-06-30")) == []
    goal = metric(targets=[{"date": "2026-12-31", "value": 1}])
    assert KINDS["milestone"].problems(goal) == [
        "a milestone needs a due date (due: YYYY-MM-DD)",
        "a milestone has a due date, not targets",
    ]


@pytest.mark.parametrize("name", list(REGISTERS))
def test_every_register_has_what_every_layer_needs(name):
    register = REGISTERS[name]
    columns = set(register.column_names)
    assert register.file == f"{name}.csv"
    assert register.keys and set(register.keys) <= columns, "the diff and an import's merge need keys"
    assert set(register.filters) <= columns
    assert set(register.free_text_columns) <= columns
    assert all(view in VIEWS for view in register.views), "every view a register offers is drawn by ui.sections"
    assert write_files.KEYS[name] == register.keys  # the import reads the register's own keys
    assert access.member_level(name) == register.personal
    for lang in ("sv", "en"):
        title = register_title(name, lang)
        assert title and title != name, (name, lang)  # people's words, never the code
    if register.date_column is not None:  # a dated register is counted without code of its own
        assert (name, "count") in MEASURES
        for column in register.columns:
            if column.kind == "count":
                assert (name, "sum_" + column.name) in MEASURES
    for column in register.columns:
        assert column.label is not None or has_key("registers.col." + column.name), (name, column.name)


def test_a_register_of_its_own_kind_needs_no_code_of_its_own():
    """market_days (examples/gardsforening) is one entry in kpi.model.registers and nothing else."""
    register = REGISTERS["market_days"]
    assert register.title is not None and register.views == ("register_list",)
    assert {("market_days", "count"), ("market_days", "sum_visitors"), ("market_days", "sum_stalls")} <= set(MEASURES)
