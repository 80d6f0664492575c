"""Dated registers (issue 13): logins to the member pages and the yearly member survey.

A yes/no column applied to every past date rewrites history when edited; logins and survey
answers are dated, so the past stays as it was. Members on each day (tests/fixtures/registers):
2025-12-31: M01–M05 (5); 2026-06-30: M01, M02, M05, M06, M07, M08 (6); 2026-11-23: those and M09,
less none (7).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi.judge.rules import evaluate_all
from kpi.read import measures
from kpi.read.load import load_dataset
from kpi.show import listings
from tests.support import TODAY, d

LOGINS = """member_id;date
M01;2025-06-01
M01;2026-05-10
M02;2025-02-01
M05;2025-12-01
M08;2026-06-01
M04;2026-01-10
M99;2026-03-01
"""
SURVEYS = """member_id;date;question;answer
M01;2025-10-15;increased_profitability;ja
M02;2025-10-15;increased_profitability;nej
M05;2025-11-20;increased_profitability;yes
M01;2026-10-10;increased_profitability;nej
M02;2026-10-10;increased_profitability;ja
M02;2026-10-10;other_question;ja
"""
METRICS = """
  - id: pages_logins_pct
    name: {sv: Inloggade medlemmar, en: Members logged in}
    area: members
    unit: percent
    decimals: 1
    baseline: {date: 2025-12-31, value: BASELINE}
    targets:
      - {date: 2026-12-31, value: 75}
    source: {register: logins, measure: active_share_pct}
  - id: pages_logins_90_pct
    name: {sv: Inloggade senaste 90 dagarna, en: Logged in in the last 90 days}
    area: members
    unit: percent
    targets:
      - {date: 2026-12-31, value: 75}
    source: {register: logins, measure: active_share_pct, window_days: 90}
  - id: profit_survey_pct
    name: {sv: Ökad lönsamhet enligt enkäten, en: Increased profitability in the survey}
    area: members
    unit: percent
    targets:
      - {date: 2030-12-31, value: 50}
    source: {register: surveys, measure: yes_share_pct, where: {question: increased_profitability}}
"""


@pytest.fixture
def dated(copy_fixture) -> tuple[Path, Path]:
    data, targets = copy_fixture("registers")
    (data / "logins.csv").write_text(LOGINS, encoding="utf-8")
    (data / "surveys.csv").write_text(SURVEYS, encoding="utf-8")
    text = targets.read_text(encoding="utf-8").rstrip("\n") + "\n" + METRICS.replace("BASELINE", "60")
    targets.write_text(text, encoding="utf-8")
    return data, targets


def _values(data: Path, targets: Path, day: str) -> dict[str, float | None]:
    dataset = load_dataset(data, targets, today=TODAY)
    return {s.id: s.value for s in evaluate_all(dataset.config, dataset.series, d(day))}


def test_a_member_uses_the_pages_when_they_logged_in_within_the_window(dated):
    # 2025-12-31: logins in (2024-12-31, 2025-12-31]: M01, M02, M05 of 5 members → 60 %.
    assert _values(*dated, "2025-12-31")["pages_logins_pct"] == pytest.approx(60)
    # 2026-06-30: M01 (05-10), M05 (2025-12-01), M08 (06-01) of 6; M02's 2025-02-01 has expired → 50 %.
    on_june = _values(*dated, "2026-06-30")
    assert on_june["pages_logins_pct"] == pytest.approx(50)
    # A 90-day window, (2026-04-01, 2026-06-30]: M01 and M08 of 6 → 33.33 %.
    assert on_june["pages_logins_90_pct"] == pytest.approx(100 * 2 / 6)


def test_the_survey_counts_each_members_latest_answer(dated):
    # 2025-12-31: yes from M01 and M05 of 5 → 40 %.
    assert _values(*dated, "2025-12-31")["profit_survey_pct"] == pytest.approx(40)
    # 2026-06-30: still the 2025 answers: M01 and M05 of 6 → 33.33 %.
    assert _values(*dated, "2026-06-30")["profit_survey_pct"] == pytest.approx(100 * 2 / 6)
    # 2026-11-23: the 2026 survey: M01 no, M02 yes; M05's 2025-11-20 answer is older than 365 days.
    # 1 of 7 → 14.29 % (the other question is not counted).
    assert _values(*dated, "2026-11-23")["profit_survey_pct"] == pytest.approx(100 / 7)


def test_new_logins_and_answers_leave_the_past_as_it_was(dated):
    data, targets = dated
    before = [_values(data, targets, day) for day in ("2025-12-31", "2026-06-30")]
    with (data / "logins.csv").open("a", encoding="utf-8") as handle:
        handle.write("M02;2026-07-15\nM06;2026-08-01\n")
    with (data / "surveys.csv").open("a", encoding="utf-8") as handle:
        handle.write("M06;2026-10-12;increased_profitability;ja\n")
    after = [_values(data, targets, day) for day in ("2025-12-31", "2026-06-30")]
    assert after == before


def test_the_rows_behind_list_who_is_counted(dated):
    dataset = load_dataset(*dated, today=TODAY)
    rows = measures.rows_behind(dataset, "pages_logins_pct", d("2026-06-30"))
    counted = rows.loc[rows["counted"], "member_id"].tolist()
    assert sorted(counted) == ["M01", "M05", "M08"]
    assert rows.loc[rows["member_id"] == "M01", "last_login"].iloc[0] == d("2026-05-10")
    survey = measures.rows_behind(dataset, "profit_survey_pct", d("2026-11-23"))
    assert survey.loc[survey["counted"], "member_id"].tolist() == ["M02"]


def test_an_unknown_member_in_the_logins_is_a_warning(dated):
    dataset = load_dataset(*dated, today=TODAY)
    found = [(p.code, p.row, p.severity) for p in dataset.problems if p.file.endswith("logins.csv")]
    assert found == [("register_unknown_member", 8, "warning")]


def test_validate_warns_when_the_baseline_differs_from_the_data(dated):
    data, targets = dated
    mine = lambda: [  # noqa: E731
        p
        for p in load_dataset(data, targets, today=TODAY).problems
        if p.code == "baseline_differs" and p.params["metric"].startswith("pages_")
    ]
    assert mine() == []  # 60 configured, 60 computed
    targets.write_text(targets.read_text(encoding="utf-8").replace("value: 60}", "value: 15.0}"), encoding="utf-8")
    problems = mine()
    assert [p.params["metric"] for p in problems] == ["pages_logins_pct"]
    assert problems[0].message("sv") == (
        "pages_logins_pct: utgångsläget i targets.yaml är 15 (2025-12-31), men data ger 60 den dagen"
    )


def test_a_survey_measure_needs_a_question(dated):
    data, targets = dated
    text = targets.read_text(encoding="utf-8").replace(", where: {question: increased_profitability}", "")
    targets.write_text(text, encoding="utf-8")
    codes = [p.code for p in load_dataset(data, targets, today=TODAY).problems]
    assert "register_question_needed" in codes


YEAR_ATTENDANCE = """
  - id: year_attendance
    name: {sv: Närvaro vid årets möten, en: Attendance at the year's meetings}
    area: activities
    unit: percent
    targets:
      - {date: 2026-12-31, value: 50}
    source: {register: activities, measure: year_attendance_pct}
"""


def test_attendance_over_the_years_meetings_together(copy_fixture):
    # tests/fixtures/registers: 2026-04-15 3 of 6, 2026-04-20 2 of 6, 2026-10-12 4 of 7 present.
    data, targets = copy_fixture("registers")
    targets.write_text(targets.read_text(encoding="utf-8").rstrip("\n") + "\n" + YEAR_ATTENDANCE, encoding="utf-8")
    dataset = load_dataset(data, targets, today=TODAY)
    at = lambda day: {s.id: s for s in evaluate_all(dataset.config, dataset.series, d(day))}  # noqa: E731
    june, november = at("2026-06-30"), at("2026-11-23")
    # The year's meetings: (3 + 2) / (6 + 6) = 41.67 % on 06-30; (3 + 2 + 4) / (6 + 6 + 7) = 47.37 % later.
    assert june["year_attendance"].value == pytest.approx(500 / 12)
    assert november["year_attendance"].value == pytest.approx(900 / 19)
    # The latest meeting alone (the other measure): 2 of 6 on 06-30, 4 of 7 later.
    assert june["meeting_attendance_pct"].value == pytest.approx(100 * 2 / 6)
    assert november["meeting_attendance_pct"].value == pytest.approx(100 * 4 / 7)
    rows = measures.rows_behind(dataset, "year_attendance", d("2026-06-30"))
    assert rows["date"].tolist() == [d("2026-04-20"), d("2026-04-15")]


def test_after_today_the_rows_behind_are_those_of_the_day_the_value_is_counted(dated):
    # On 2027-06-30 the logins are counted on today (2026-11-23): the same members as today,
    # not an empty list because every login has "expired" by a date nobody has reached.
    dataset = load_dataset(*dated, today=TODAY)
    later = measures.rows_behind(dataset, "pages_logins_pct", d("2027-06-30"))
    now = measures.rows_behind(dataset, "pages_logins_pct", TODAY)
    assert later.equals(now)
    statuses = {s.id: s for s in evaluate_all(dataset.config, dataset.series, d("2027-06-30"))}
    assert statuses["pages_logins_pct"].value_date == TODAY
    assert statuses["pages_logins_pct"].value == pytest.approx(100 * int(now["counted"].sum()) / len(now))


def test_the_member_list_shows_the_old_flag_columns_only_when_the_file_has_them(dated):
    data, targets = dated
    with_flags = listings.members_at(load_dataset(data, targets, today=TODAY), d("2026-06-30"))
    assert {"uses_member_pages", "increased_profitability"} <= set(with_flags.columns)
    members = data / "members.csv"
    lines = members.read_bytes().decode("cp1252").splitlines()
    members.write_text("\n".join(";".join(line.split(";")[:7]) for line in lines) + "\n", encoding="utf-8")
    without = listings.members_at(load_dataset(data, targets, today=TODAY), d("2026-06-30"))
    assert len(without) == len(with_flags) and not {"uses_member_pages", "increased_profitability"} & set(
        without.columns
    )
