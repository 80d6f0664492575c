"""The rule's edge cases found by an independent re-implementation (issue 13), numbers by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kpi.judge.explain import explanation
from kpi.judge.rules import evaluate, pace_decimals, whole_units, year_target
from kpi.model.dataset import Series
from kpi.model.targets import DatedValue, Thresholds
from tests.support import d, metric, series

TODAY = d("2026-11-23")


def register(*points: tuple[str, float], known_until: dt.date = TODAY) -> Series:
    """A register series as the loader makes it: stepwise, known up to the day it was loaded."""
    made = series(*points, stepwise=True)
    return Series(made.dates, made.values, stepwise=True, known_until=known_until)


def yearly(**fields):
    base = {"aggregation": "year_to_date", "cadence": "yearly", "unit": "members"}
    base.update(fields)
    return metric(**base)


# 1. A year-to-date target of 0 with no event is met ------------------------------------------------


def test_a_zero_target_with_no_event_is_met():
    # No member left for another reason in 2026: no row, the year's sum is 0, 0 <= 0 → met.
    left = yearly(direction="decrease", targets=[{"date": "2026-12-31", "value": 0}])
    result = evaluate(left, register(known_until=d("2027-01-15")), d("2027-01-15"))
    assert result.targets[0].met is True and result.targets[0].value_at_date == 0
    # One such leaver in 2026: 1 > 0 → not met.
    result = evaluate(left, register(("2026-05-01", 1), known_until=d("2027-01-15")), d("2027-01-15"))
    assert result.targets[0].met is False and result.targets[0].value_at_date == 1


def test_a_register_count_with_no_event_up_to_a_target_date_is_zero_not_missing():
    # Trainings: target 0 is odd, but target 2 with events only after the date: the sum on the
    # date is 0 (judged), not "no value" — 0 < 2 → met false, value_at_date 0.
    trainings = yearly(unit="count", targets=[{"date": "2026-06-30", "value": 2}])
    result = evaluate(trainings, register(("2026-08-01", 3)), d("2026-09-01"))
    assert result.targets[0].value_at_date == 0 and result.targets[0].met is False


# 2. 29 February --------------------------------------------------------------------------------------


def test_29_february_is_kept_in_a_leap_year_and_becomes_28_otherwise():
    targets = [DatedValue(date=d("2028-02-29"), value=5)]
    assert year_target(targets, 2032) == DatedValue(date=d("2032-02-29"), value=5)
    assert year_target(targets, 2029) == DatedValue(date=d("2029-02-28"), value=5)


# 3. Register values after today -------------------------------------------------------------------


def test_a_register_value_after_today_is_counted_on_the_last_day_the_register_knows():
    agreements = metric(
        unit="agreements",
        baseline={"date": "2025-12-31", "value": 2},
        targets=[{"date": "2026-12-31", "value": 4}, {"date": "2030-12-31", "value": 9}],
    )
    # Signed 2024 (1), 2025 (2), 2026-03-01 (3); one ends 2027-03-31 → 2 from 2027-04-01.
    data = register(("2024-01-01", 1), ("2025-06-01", 2), ("2026-03-01", 3), ("2027-04-01", 2))
    on_year_end = evaluate(agreements, data, d("2026-12-31"))
    assert on_year_end.value == 3 and on_year_end.value_date == TODAY
    # The 2026 target is dated after today: the register cannot know yet → met is null.
    assert on_year_end.targets[0].met is None
    later = evaluate(agreements, data, d("2027-06-30"))
    assert later.value == 2 and later.value_date == d("2027-04-01")
    # Judged at its value date: expected 4 + 5 × 90/1461 = 4.308 → 4 whole agreements; pace 0/2 = 0.
    assert later.expected == 4 and later.pace == 0 and later.status == "off_track"


def test_a_register_value_does_not_depend_on_the_day_the_command_is_run():
    agreements = metric(
        unit="agreements", baseline={"date": "2025-12-31", "value": 2}, targets=[{"date": "2030-12-31", "value": 9}]
    )
    data = register(("2025-06-01", 2), ("2026-03-01", 3))
    first = evaluate(agreements, data, d("2026-06-30"))
    again = evaluate(agreements, Series(data.dates, data.values, True, known_until=d("2027-02-01")), d("2026-06-30"))
    assert (first.value, first.value_date, first.status) == (again.value, again.value_date, again.status)


def test_a_yearly_register_count_in_a_year_the_register_has_not_reached_has_no_data():
    trainings = yearly(unit="count", targets=[{"date": "2026-12-31", "value": 6}])
    result = evaluate(trainings, register(("2026-03-01", 2)), d("2027-06-30"))
    assert result.status == "no_data"


# 5. Whole units at the start of a period -------------------------------------------------------------


def test_whole_units_rounds_the_required_progress_toward_zero():
    assert whole_units(0.0549, 1) == 0
    assert whole_units(1.04, 1) == 1
    assert whole_units(-1.096, 1) == -1
    assert whole_units(1.314, None) == 1.314


def test_a_yearly_count_on_2_january_is_not_behind():
    # 20 new members by 2026-12-31: on 2 January expected 20 × 1/364 = 0.055 → 0 whole members;
    # nothing is due yet, value 0 meets the baseline 0 → on track (was: pace 0 → off track).
    members_new = yearly(targets=[{"date": "2026-12-31", "value": 20}])
    result = evaluate(members_new, register(), d("2026-01-02"))
    assert result.expected == 0 and result.pace is None and result.status == "on_track"
    # On 20 January: 20 × 19/364 = 1.04 → 1 due; 0 done → pace 0 → off track; 1 done → on track.
    assert evaluate(members_new, register(), d("2026-01-20")).status == "off_track"
    one = evaluate(members_new, register(("2026-01-10", 1)), d("2026-01-20"))
    assert one.expected == 1 and one.pace == 1 and one.status == "on_track"


def test_a_register_level_on_the_day_after_its_baseline_is_not_behind():
    # 160 → 200 members from 2025-12-31 to 2030-12-31 (1 826 days). 2026-01-01: 40/1826 = 0.02 → 0.
    members = metric(
        unit="members", baseline={"date": "2025-12-31", "value": 160}, targets=[{"date": "2030-12-31", "value": 200}]
    )
    data = register(("2020-01-01", 160))
    assert evaluate(members, data, d("2026-01-01")).status == "on_track"
    # 2026-03-01 (60 days): 40 × 60/1826 = 1.31 → 1 due: 160 → pace 0 → off track; 161 → pace 1.
    assert evaluate(members, data, d("2026-03-01")).status == "off_track"
    grown = evaluate(members, register(("2020-01-01", 160), ("2026-02-01", 161)), d("2026-03-01"))
    assert grown.expected == 161 and grown.pace == 1 and grown.status == "on_track"


def test_a_percentage_is_not_rounded():
    share = metric(
        unit="percent", baseline={"date": "2025-12-31", "value": 15}, targets=[{"date": "2026-12-31", "value": 25}]
    )
    # 2026-01-31 (31 days): 15 + 10 × 31/365 = 15.849; value 15.5 → pace 0.5/0.849 = 0.589 → off track.
    result = evaluate(share, series(("2026-01-31", 15.5)), d("2026-02-01"))
    assert result.expected == pytest.approx(15 + 10 * 31 / 365)
    assert result.pace == pytest.approx(0.5 / (10 * 31 / 365)) and result.status == "off_track"


def test_granularity_can_be_set_and_switched_off():
    # A count of hundreds: granularity 100; 6 200 → 7 500 in 365 days, on day 30: 106.8 → 100.
    hundreds = metric(
        unit="subscribers",
        granularity=100,
        baseline={"date": "2025-12-31", "value": 6200},
        targets=[{"date": "2026-12-31", "value": 7500}],
    )
    assert evaluate(hundreds, series(("2026-01-30", 6300)), d("2026-01-30")).expected == 6300
    exact = metric(
        unit="subscribers",
        granularity=0,
        baseline={"date": "2025-12-31", "value": 6200},
        targets=[{"date": "2026-12-31", "value": 7500}],
    )
    assert evaluate(exact, series(("2026-01-30", 6300)), d("2026-01-30")).expected == pytest.approx(
        6200 + 1300 * 30 / 365
    )


# 7. Years before the first target ---------------------------------------------------------------


def test_a_year_before_the_first_yearly_target_is_shown_not_judged():
    members_new = yearly(targets=[{"date": "2026-12-31", "value": 20}])
    data = register(("2025-03-01", 10), ("2025-09-01", 8))
    result = evaluate(members_new, data, d("2025-12-31"))
    assert result.status == "before_plan" and result.value == 18 and result.pace is None
    assert "1 Jan 2026" in explanation(result, "en")
    # A later year without its own target carries 20 on to 2027-12-31: 2027-07-02 is day 182 of
    # 364 → expected 10; 5 joined → pace 0.5 → off track.
    later = evaluate(members_new, register(("2027-03-01", 5), known_until=d("2027-12-01")), d("2027-07-02"))
    assert later.next_target.date == d("2027-12-31") and later.expected == 10
    assert later.pace == 0.5 and later.status == "off_track"


# 8. A missed mid-year target ----------------------------------------------------------------------


def test_a_missed_mid_year_target_is_not_reached_later():
    # 6 by 2026-06-30; 2 on 1 Feb, 2 on 1 May, 3 on 1 Aug. On 30 June the sum was 4 < 6: missed.
    mid = yearly(unit="count", targets=[{"date": "2026-06-30", "value": 6}])
    data = register(("2026-02-01", 2), ("2026-05-01", 2), ("2026-08-01", 3))
    result = evaluate(mid, data, d("2026-09-30"))
    assert result.value == 7
    assert result.status == "off_track" and result.missed is not None and result.missed.value_at_date == 4
    assert result.pace == pytest.approx(4 / 6)
    assert result.targets[0].met is False
    assert "nåddes inte" in explanation(result, "sv") and "missed" in explanation(result, "en")
    # Before the date: Jan 1 → Jun 15 is 165 of 180 days: 6 × 165/180 = 5.5 → 5 due; pace 4/5 = 0.8.
    before = evaluate(mid, data, d("2026-06-15"))
    assert before.expected == 5 and before.pace == pytest.approx(0.8) and before.status == "at_risk"
    # Met on its date: reached, whatever came later.
    met = evaluate(mid, register(("2026-02-01", 6), ("2026-08-01", 1)), d("2026-09-30"))
    assert met.status == "reached" and met.missed is None


# 9. A milestone on its due date ----------------------------------------------------------------


def test_a_milestone_on_its_due_date_has_one_answer():
    milestone = metric(kind="milestone", due="2026-06-30")
    on_due = evaluate(milestone, series(), d("2026-06-30"))
    assert on_due.status == "off_track" and on_due.targets[0].met is False
    before = evaluate(milestone, series(), d("2026-06-29"))
    assert before.status == "on_track" and before.targets[0].met is None
    done = evaluate(milestone, series(("2026-06-30", 1)), d("2026-06-30"))
    assert done.status == "reached" and done.targets[0].met is True


# 10. Rounding in the explanation -----------------------------------------------------------------


def test_the_printed_pace_is_on_the_same_side_of_every_threshold():
    thresholds = Thresholds()
    assert pace_decimals(0.9496, thresholds) == 4  # 0.95 would read as on track
    assert pace_decimals(0.977, thresholds) == 2
    assert pace_decimals(0.5999, thresholds) == 4
    assert pace_decimals(-0.001, thresholds) == 3  # -0.00 would read as 0


def test_the_explanation_never_prints_a_risk_pace_as_0_95():
    # 0 → 365 over 2026 (1 a day); 2026-04-11 is day 100: expected 100; value 94.96 → pace 0.9496.
    line = metric(baseline={"date": "2025-12-31", "value": 0}, targets=[{"date": "2026-12-31", "value": 365}])
    result = evaluate(line, series(("2026-04-10", 94.96)), d("2026-04-11"))
    assert result.expected == pytest.approx(100) and result.pace == pytest.approx(0.9496)
    assert result.status == "at_risk"
    assert "0,9496" in explanation(result, "sv") and "0.9496" in explanation(result, "en")


# NaN and infinity never reach a status -------------------------------------------------------------


def test_nan_and_infinity_are_ignored_by_the_rule():
    line = metric(baseline={"date": "2025-12-31", "value": 0}, targets=[{"date": "2026-12-31", "value": 365}])
    data = Series(
        np.array(["2026-04-10", "2026-04-11"], dtype="datetime64[D]"), np.array([94.96, np.inf]), stepwise=False
    )
    result = evaluate(line, data, d("2026-04-12"))
    assert result.value == pytest.approx(94.96) and result.status == "at_risk"
    only_nan = Series(np.array(["2026-04-10"], dtype="datetime64[D]"), np.array([np.nan]))
    assert evaluate(line, only_nan, d("2026-04-12")).status == "no_data"


def test_the_worked_examples_in_docs_method():
    # Trainings, 6 by 2026-12-31, 2 done by 2026-07-01: 6 × 181/364 = 2.98 → 2 → pace 1.0.
    trainings = yearly(unit="count", targets=[{"date": "2026-12-31", "value": 6}])
    two = evaluate(trainings, register(("2026-03-01", 1), ("2026-05-01", 1)), d("2026-07-01"))
    assert two.expected == 2 and two.pace == 1 and two.status == "on_track"
    one = evaluate(trainings, register(("2026-03-01", 1)), d("2026-07-01"))
    assert one.pace == 0.5 and one.status == "off_track"
    # New members, 20 by 2026-12-31, on 10 February: 20 × 40/364 = 2.198 → 2.
    members_new = yearly(targets=[{"date": "2026-12-31", "value": 20}])
    assert evaluate(members_new, register(("2026-01-15", 1)), d("2026-02-10")).pace == 0.5
    assert evaluate(members_new, register(("2026-01-15", 2)), d("2026-02-10")).status == "on_track"
    # Newsletter (subscribers, a count): 7 172.3 → 7 172; pace 950/972 = 0.9774 → "0,98".
    newsletter = metric(
        unit="subscribers",
        baseline={"date": "2025-12-31", "value": 6200},
        targets=[{"date": "2026-12-31", "value": 7500}, {"date": "2030-12-31", "value": 11000}],
    )
    result = evaluate(newsletter, series(("2026-09-30", 7150)), d("2026-10-15"))
    assert result.expected == 7172 and result.pace == pytest.approx(950 / 972)
    assert explanation(result, "sv") == "På väg: 7\u00a0150 mot förväntat 7\u00a0172, takt 0,98."


def test_a_register_share_is_judged_in_whole_members():
    # Member pages: 24 of 160 = 15 % on 2025-12-31, 25 % by 2026-12-31. One member is 0.625 %.
    share = metric(
        unit="percent", baseline={"date": "2025-12-31", "value": 15}, targets=[{"date": "2026-12-31", "value": 25}]
    )

    def shares(*points: tuple[str, float, int]) -> Series:
        made = series(*[(day, value) for day, value, _ in points], stepwise=True)
        steps = np.array([100 / members for _, _, members in sorted(points)])
        return Series(made.dates, made.values, stepwise=True, known_until=TODAY, steps=steps)

    # 2026-01-01: 10 × 1/365 = 0.027 % due, less than one member (0.625 %) → nothing due → on track.
    first = evaluate(share, shares(("2025-12-31", 15, 160)), d("2026-01-01"))
    assert first.pace is None and first.status == "on_track"
    # 2026-03-01 (60 days): 10 × 60/365 = 1.644 % → 2 whole members = 1.25 % → expected 16.25;
    # 25 of 160 = 15.625 % → pace 0.625/1.25 = 0.5 → off track.
    later = evaluate(share, shares(("2025-12-31", 15, 160), ("2026-02-01", 15.625, 160)), d("2026-03-01"))
    assert later.expected == pytest.approx(16.25) and later.pace == pytest.approx(0.5)
    assert later.status == "off_track"
