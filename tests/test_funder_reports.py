"""Funder reports (issue 24): projects as funders see them, their reporting periods and language,
final-report mode, indicators with their evidence, participants and the funder's narrative texts.

Values are computed by hand from small fixture registers; the example configuration is read for
the two real projects' reporting periods.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kpi.model.targets import Project
from kpi.read.targets import load_config
from kpi.report import content as reports
from kpi.report import period as report_period
from tests.support import ROOT, d

PROJECT = {"id": "p", "name": {"sv": "P"}, "start": "2024-07-01", "end": "2027-06-30"}


def test_the_example_projects_carry_the_funders_facts():
    config = load_config(ROOT / "targets.yaml")
    kismet, strukturell = config.project("kismet"), config.project("strukturell")
    assert (kismet.reference, kismet.lead_partner, kismet.report_language) == ("C025", "Södertälje kommun", "en")
    assert strukturell.report_language == "sv"
    assert [p.number for p in strukturell.reporting_periods] == [1, 2, 3, 4, 5, 6]
    assert strukturell.reporting_periods[-1].end == strukturell.end  # the last report is the final one


def test_interreg_reads_english_unless_the_project_says_otherwise():
    assert Project(**PROJECT, funder="Interreg Baltic Sea Region").report_language == "en"
    assert Project(**PROJECT, programme="Interreg Central Baltic").report_language == "en"
    assert Project(**PROJECT, funder="Interreg Baltic Sea Region", language="sv").report_language == "sv"
    assert Project(**PROJECT, funder="Tillväxtverket").report_language is None


@pytest.mark.parametrize(
    ("periods", "words"),
    [
        ([{"number": 1, "start": "2024-07-01", "end": "2024-12-31", "due": "2024-12-01"}], "due before it ends"),
        ([{"number": 1, "start": "2024-07-01", "end": "2024-06-30"}], "ends before it starts"),
        (
            [
                {"number": 1, "start": "2024-07-01", "end": "2024-12-31"},
                {"number": 2, "start": "2024-12-01", "end": "2025-06-30"},
            ],
            "starts before period 1 ends",
        ),
        ([{"number": 1, "start": "2024-01-01", "end": "2024-12-31"}], "outside the project"),
        (
            [
                {"number": 1, "start": "2024-07-01", "end": "2024-12-31"},
                {"number": 1, "start": "2025-01-01", "end": "2025-06-30"},
            ],
            "share a number",
        ),
        ([{"number": 1, "start": "2024-07-01", "end": "2024-12-31", "deadline": "2025-01-31"}], "Extra inputs"),
    ],
)
def test_reporting_periods_are_validated(periods, words):
    with pytest.raises(ValidationError, match=words):
        Project(**PROJECT, reporting_periods=periods)


def test_the_reports_page_offers_the_decisions_periods_by_name():
    config = load_config(ROOT / "targets.yaml")
    periods = report_period.reporting_periods(config, "strukturell", d("2026-02-15"), "sv")
    # The whole project, then the decision's periods begun by the day, newest first.
    assert [p.number for p in periods] == [None, 4, 3, 2, 1]
    assert periods[2].label == "Rapport 3: 2025-07-01 – 2025-12-31, ska in 2026-01-31"
    assert (periods[2].start, periods[2].end, periods[2].due) == (d("2025-07-01"), d("2025-12-31"), d("2026-01-31"))
    assert periods[4].label == "Rapport 1: 2024-07-01 – 2025-03-31, ska in 2025-04-30"  # not a half-year
    english = report_period.reporting_periods(config, "strukturell", d("2026-02-15"), "en")
    assert english[2].label == "Report 3: 2025-07-01 – 2025-12-31, due 2026-01-31"
    assert report_period.default_period(periods, d("2026-02-15")) == 2  # the newest period that has ended
    assert report_period.next_due_report(config, "strukturell", d("2026-02-15")) == (
        4,
        d("2026-01-01"),
        d("2026-06-30"),
        d("2026-08-31"),
    )
    assert report_period.next_due_report(config, "kismet", d("2026-04-01")) is None  # all reports are in


def test_a_projects_report_is_in_the_funders_language_by_default():
    config = load_config(ROOT / "targets.yaml")
    today = d("2026-11-23")
    assert reports.resolve_spec(reports.ReportSpec(scope="kismet"), config, today).lang == "en"
    assert reports.resolve_spec(reports.ReportSpec(scope="kismet", lang="sv"), config, today).lang == "sv"
    assert reports.resolve_spec(reports.ReportSpec(scope="strukturell"), config, today).lang == "sv"
    assert reports.resolve_spec(reports.ReportSpec(), config, today).lang == "sv"
