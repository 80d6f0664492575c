"""Dates typed the Swedish way (kpi.text.dates) and the sidebar's date fields that use it."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.text.dates import parse_typed_date

OCT_12 = dt.date(2026, 10, 12)


@pytest.mark.parametrize(
    "typed",
    ["2026-10-12", " 2026-10-12 ", "20261012", "12/10/2026", "12.10.2026", "12-10-2026", "2026/10/12", "2026.10.12"],
)
def test_the_swedish_ways_of_writing_a_date_are_read(typed):
    assert parse_typed_date(typed) == OCT_12


def test_single_digit_month_and_day_are_fine():
    assert parse_typed_date("2026-1-5") == dt.date(2026, 1, 5)
    assert parse_typed_date("5.1.2026") == dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "igår",
        "2026-13-01",
        "2026-02-30",
        "30/02/2026",
        "261012",
        "2026-10",
        "12/10/26",
        "2026-10-12x",
        "2026--10-12",
    ],
)
def test_anything_else_is_not_a_date(typed):
    assert parse_typed_date(typed) is None


def test_a_date_object_passes_through_and_other_types_are_not_dates():
    assert parse_typed_date(OCT_12) == OCT_12
    assert parse_typed_date(dt.datetime(2026, 10, 12, 8, 30)) == OCT_12
    assert parse_typed_date(None) is None
    assert parse_typed_date(20261012) is None


# The sidebar's date fields, on the overview (its title names the as-of date).


@pytest.fixture
def overview(use_data, run_page):
    from tests.support import FIXTURES

    use_data(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml")

    def run(**params):
        at = run_page("overview", **params)
        assert not at.exception, at.exception
        return at

    return run


def title(at) -> str:
    return at.title[0].value


def sidebar_errors(at) -> list[str]:
    return [error.value for error in at.sidebar.error]


def test_the_url_date_is_the_field_and_the_page_date(overview):
    at = overview(as_of="2026-10-12")
    assert at.sidebar.text_input(key="as_of").value == "2026-10-12"
    assert "12 okt. 2026" in title(at)
    assert at.sidebar.text_input(key="compare").value == "2026-07-12"  # three months back by default
    assert at.sidebar.text_input(key="as_of").placeholder == "ÅÅÅÅ-MM-DD"
    assert sidebar_errors(at) == []


@pytest.mark.parametrize("typed", ["20261012", "12/10/2026", "2026-10-12"])
def test_a_typed_date_applies_on_enter_and_the_url_keeps_iso(overview, typed):
    at = overview(as_of="2026-06-30")
    at.sidebar.text_input(key="as_of").input(typed).run()
    assert not at.exception
    assert "12 okt. 2026" in title(at)
    assert at.sidebar.text_input(key="as_of").value == "2026-10-12"
    assert at.query_params["as_of"] == ["2026-10-12"] or at.query_params["as_of"] == "2026-10-12"
    assert sidebar_errors(at) == []


def test_text_that_is_not_a_date_is_named_and_the_last_good_date_stays(overview):
    at = overview(as_of="2026-06-30")
    at.sidebar.text_input(key="as_of").input("30 juni").run()
    assert not at.exception
    assert "30 juni 2026" in title(at)
    assert at.sidebar.text_input(key="as_of").value == "2026-06-30"
    [error] = sidebar_errors(at)
    assert "”30 juni” är inget datum" in error and "ÅÅÅÅ-MM-DD" in error and "30 juni 2026" in error
    at.run()  # the error is about that Enter; the next rerun no longer shows it
    assert sidebar_errors(at) == []


def test_the_error_is_in_english_in_the_english_view_and_user_text_stays_inert(overview):
    at = overview(as_of="2026-06-30", lang="en")
    at.sidebar.text_input(key="as_of").input("[x](https://example.org)").run()
    [error] = sidebar_errors(at)
    assert "is not a date" in error and "YYYY-MM-DD" in error and "30 Jun 2026" in error
    assert "](https" not in error  # escaped: shown as typed, never a link
    assert "as of 30 Jun 2026" in title(at)


def test_a_bad_date_in_the_url_falls_back_to_today_and_says_so(overview):
    at = overview(as_of="2026-02-30")
    [error] = sidebar_errors(at)
    assert "”2026\\-02\\-30” är inget datum" in error
    assert "23 nov. 2026" in title(at)  # today (tests/conftest.py fixes it)


def test_the_today_button_and_a_typed_comparison_date(overview):
    at = overview(as_of="2026-06-30")
    at.sidebar.button(key="as_of_today").click().run()
    assert "23 nov. 2026" in title(at)
    assert at.sidebar.text_input(key="as_of").value == "2026-11-23"
    at.sidebar.text_input(key="compare").input("1.3.2026").run()
    assert at.sidebar.text_input(key="compare").value == "2026-03-01"
    assert at.query_params["compare"] in ("2026-03-01", ["2026-03-01"])
