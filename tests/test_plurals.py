"""Counts the user reads agree with their number ("1 ny rad", "2 nya rader"), in both languages."""

from __future__ import annotations

import pytest

from kpi.text.i18n import plural, translations


@pytest.mark.parametrize(
    ("key", "lang", "one", "two"),
    [
        ("store.count_added", "sv", "1 ny rad", "2 nya rader"),
        ("store.count_changed", "sv", "1 ändrad rad", "2 ändrade rader"),
        ("store.count_removed", "sv", "1 borttagen rad", "2 borttagna rader"),
        ("store.count_added", "en", "1 row added", "2 rows added"),
        ("store.removed_warning", "sv", "1 rad finns", "2 rader finns"),
        ("store.removed_warning", "en", "1 row is in", "2 rows are in"),
        ("store.preview_warnings", "sv", "1 varning (", "2 varningar ("),
        ("store.preview_errors", "en", "1 error: nothing can be saved until it is", "2 errors:"),
        ("ui.data_errors", "en", "1 error in the data files: the row below", "2 errors in the data files: the rows"),
        ("ui.data_warnings", "sv", "1 varning i", "2 varningar i"),
    ],
)
def test_singular_and_plural(key, lang, one, two):
    assert plural(key, lang, 1, n="1").startswith(one)
    assert plural(key, lang, 2, n="2").startswith(two)


def test_every_one_form_has_an_other_form_with_the_same_placeholders():
    table = translations()
    ones = [key for key in table if key.endswith(".one")]
    assert "store.count_added.one" in ones
    for key in ones:
        other = key[: -len(".one")] + ".other"
        assert other in table, other
        for lang in ("sv", "en"):
            assert sorted(_fields(table[key][lang])) == sorted(_fields(table[other][lang])), key


def _fields(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]
