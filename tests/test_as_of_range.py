"""As-of and comparison dates outside the documented range (1900-01-01 to 2199-12-31) are refused
with a message naming the range; no page breaks on 0001-01-01 or 9999-12-31."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.text.dates import AS_OF_EARLIEST, AS_OF_LATEST, in_as_of_range

PAGES = ["overview", "metric", "about", "reports", "members", "activities"]


def test_the_range():
    assert (dt.date(1900, 1, 1), dt.date(2199, 12, 31)) == (AS_OF_EARLIEST, AS_OF_LATEST)
    assert in_as_of_range(dt.date(2026, 6, 30)) and in_as_of_range(AS_OF_EARLIEST) and in_as_of_range(AS_OF_LATEST)
    assert not in_as_of_range(dt.date(1, 1, 1)) and not in_as_of_range(dt.date(9999, 12, 31))


@pytest.mark.slow
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_no_page_breaks_on_a_date_at_the_calendars_end(copy_fixture, use_data, run_page, day):
    data, targets = copy_fixture("registers")
    use_data(data, targets)
    for page in PAGES:
        for key in ("as_of", "compare"):
            at = run_page(page, **{key: day})
            assert not at.exception, (page, key, at.exception)
            errors = " ".join(element.value for element in at.error)
            shown = day.replace("-", "\\-")  # the typed text, escaped as Markdown text
            assert (
                f"”{shown}” ligger utanför de datum instrumentpanelen kan räkna med (1900-01-01 till 2199-12-31)"
                in errors
            )
