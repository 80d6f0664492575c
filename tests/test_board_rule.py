"""The rule decisions of issue 22, with hand-computed numbers (docs/method.md): a target is met
or missed on its own date, and no forecast names a date it cannot mean."""

from __future__ import annotations

import pytest

from kpi.judge.explain import status_record
from kpi.judge.rules import evaluate
from kpi.show.meeting import reason
from kpi.show.views import forecast_text
from tests.support import d, metric, series

# Trainings: 6 by 31 December 2026, one done on the first of March, June, September, December.
TRAININGS = metric(
    id="trainings",
    unit="count",
    aggregation="year_to_date",
    cadence="yearly",
    targets=[{"date": "2026-12-31", "value": 6}],
)
FOUR_TRAININGS = series(("2026-03-01", 1), ("2026-06-01", 1), ("2026-09-01", 1), ("2026-12-01", 1))


def test_a_yearly_count_not_met_on_the_last_day_of_its_year_is_missed():
    result = evaluate(TRAININGS, FOUR_TRAININGS, d("2026-12-31"))
    # 4 of 6 on the target's own date: missed (it read "⚠ Risk, nås 6 i januari 2027").
    assert result.status == "off_track"
    assert result.missed is not None and (result.missed.value, result.missed.value_at_date) == (6, 4)
    assert result.targets[0].met is False  # the status and `met` agree
    assert result.pace == pytest.approx(4 / 6)
    assert result.eta is None and result.eta_after is None  # no forecast for a target that is past
    assert reason(result, "sv") == "Målet 6 till 31 dec. 2026 nåddes inte (4)."
    assert "2027" not in forecast_text(result, "sv")
    assert status_record(result, "sv")["missed_target"] == {"date": "2026-12-31", "value": 6.0, "value_at_date": 4.0}


def test_a_yearly_count_is_never_forecast_past_the_end_of_its_year():
    result = evaluate(TRAININGS, FOUR_TRAININGS, d("2026-12-30"))
    # 363 of 364 days: 6 × 363 / 364 = 5.98 → 5 whole trainings due; 4 / 5 = 0.8 → at risk.
    assert (result.expected, result.status) == (5, "at_risk")
    # The running total 0, 1, 2, 3, 4 (1 Jan, 1 Mar, 1 Jun, 1 Sep, 1 Dec) grows about one training
    # a quarter: it reaches 6 in 2027, when the count has started again from 0.
    assert result.trend is not None and result.trend.reaches(6, "increase", d("2026-12-30")) > d("2026-12-31")
    assert result.eta is None and result.eta_after == d("2026-12-31")
    assert reason(result, "sv").endswith("Med nuvarande takt nås inte 6 i år.")
    assert "I den takten nås målet inte i år." in forecast_text(result, "sv")
    assert status_record(result, "en")["eta_after"] == "2026-12-31"


ATTENDANCE = metric(
    id="meeting_attendance_pct",
    unit="%",
    baseline={"date": "2025-12-31", "value": 30},
    targets=[{"date": "2026-12-31", "value": 50}, {"date": "2030-12-31", "value": 80}],
)


def test_a_level_not_met_on_its_target_date_is_missed_then_judged_against_the_next_target():
    values = series(("2026-06-01", 40), ("2026-12-01", 45.3))
    on_the_date = evaluate(ATTENDANCE, values, d("2026-12-31"))
    # expected on 1 Dec = 30 + 20 × 335 / 365 = 48.356; pace = 15.3 / 18.356 = 0.8335 (at risk by
    # pace), but the 50 % due today was not met: off track, and the sentence says so.
    assert on_the_date.pace == pytest.approx(15.3 / (20 * 335 / 365))
    assert on_the_date.status == "off_track"
    assert on_the_date.missed is not None and on_the_date.missed.value == 50
    assert reason(on_the_date, "sv") == "Målet 50 % till 31 dec. 2026 nåddes inte (45,3 %)."
    # The next day the 2030 target is the yardstick (docs/method.md: a missed target is then judged
    # against the next one): the same pace, at risk.
    next_day = evaluate(ATTENDANCE, values, d("2027-01-01"))
    assert (next_day.status, next_day.missed) == ("at_risk", None)


NEWSLETTER = metric(
    id="newsletter_subscribers",
    unit="subscribers",
    baseline={"date": "2025-12-31", "value": 6200},
    targets=[{"date": "2026-12-31", "value": 7500}, {"date": "2030-12-31", "value": 11000}],
)


def test_no_forecast_more_than_two_years_past_the_last_target():
    # 10 a quarter: 7 100 on 2027-03-31 needs 3 900 more, 390 quarters (about 2124) at this pace.
    values = series(("2026-06-30", 7070), ("2026-09-30", 7080), ("2026-12-31", 7090), ("2027-03-31", 7100))
    result = evaluate(NEWSLETTER, values, d("2027-04-01"))
    assert result.status == "off_track"
    assert result.eta is None and result.eta_after == d("2032-12-31")
    assert reason(result, "sv").replace("\xa0", " ").endswith("Med nuvarande takt nås inte 11 000 före 2033.")
    assert forecast_text(result, "en").startswith("The trend points to")
    assert "not reached before 2033" in forecast_text(result, "en")


def test_a_forecast_inside_the_limit_is_still_a_month():
    values = series(("2026-06-30", 7000), ("2026-09-30", 7300), ("2026-12-31", 7600), ("2027-03-31", 7900))
    result = evaluate(NEWSLETTER, values, d("2027-04-01"))
    assert result.eta is not None and result.eta <= d("2032-12-31") and result.eta_after is None


def test_a_milestone_on_its_due_date_has_one_answer_in_every_view():
    from kpi.report.content import milestone_state, milestone_state_text

    plan = metric(id="plan", kind="milestone", due="2026-06-30")
    on_due = evaluate(plan, series(), d("2026-06-30"))
    # The rule, the JSON, the overview's sentence and the report's state all say late.
    assert (on_due.status, on_due.targets[0].met) == ("off_track", False)
    assert milestone_state(on_due) == "late" and milestone_state_text(on_due, "sv") == "✖ Efter plan"
    assert reason(on_due, "sv") == "Skulle ha varit klart senast 30 juni 2026."
    before = evaluate(plan, series(), d("2026-06-29"))
    assert (before.status, milestone_state(before)) == ("on_track", "open")
    done = evaluate(plan, series(("2026-06-30", 1)), d("2026-06-30"))
    assert (done.status, milestone_state(done)) == ("reached", "done")


FOOD_BUSINESSES = metric(
    id="food_businesses",
    unit="count",
    kind="direction",
    baseline={"date": "2025-12-31", "value": 2356},
    due="2030-12-31",
)


def test_a_direction_goal_not_beyond_its_baseline_on_its_due_date_is_missed():
    values = series(("2025-12-31", 2356), ("2028-12-31", 2356))
    result = evaluate(FOOD_BUSINESSES, values, d("2030-12-31"))
    assert (result.status, result.targets[0].met) == ("off_track", False)
    assert result.missed is not None
    # The next day the growth band decides again (tests/test_direction_goals.py), met stays false.
    after = evaluate(FOOD_BUSINESSES, values, d("2031-01-15"))
    assert after.missed is None and after.targets[0].met is False
    # The target reads as the goal says it ("fler än"), never the baseline as if it were a number.
    assert reason(result, "sv").startswith("Målet fler än 2\u00a0356 till 31 dec. 2030 nåddes inte (2\u00a0356).")
    assert status_record(result, "sv")["explanation"].startswith("Efter plan: målet fler än 2\u00a0356")
    assert evaluate(FOOD_BUSINESSES, values, d("2030-12-30")).missed is None


STORES = metric(
    id="stores",
    unit="%",
    cadence="yearly",
    baseline={"date": "2025-12-31", "value": 55},
    targets=[{"date": "2030-12-31", "value": 80}],
)


def test_a_goal_with_no_measurement_since_its_baseline_says_so_then_needs_attention():
    from kpi.model.targets import Config
    from kpi.show.meeting import goal_row

    before_plan_value = series(("2025-10-31", 58))  # the only value is from before the baseline
    # 2026-06-30: 181 days since the baseline, a yearly value may be 400 days old: not yet due.
    early = evaluate(STORES, before_plan_value, d("2026-06-30"))
    assert (early.status, early.unmeasured) == ("on_track", True)
    assert (
        reason(early, "sv")
        == "Ingen mätning sedan utgångsläget (31 dec. 2025); senaste värdet 58 % är från 31 okt. 2025."
    )
    assert status_record(early, "sv")["explanation"] == (
        "På väg: ingen mätning sedan utgångsläget 31 dec. 2025 (senaste värdet 58, 31 okt. 2025); "
        "ett nytt värde väntas enligt årlig rapportering."
    )
    # 2027-02-04 is day 400 (still allowed); 2027-02-05 is day 401: a value was due → no data,
    # which needs attention; the old value is still shown.
    assert evaluate(STORES, before_plan_value, d("2027-02-04")).status == "on_track"
    late = evaluate(STORES, before_plan_value, d("2027-02-05"))
    assert (late.status, late.value) == ("no_data", 58)
    record = status_record(late, "sv")
    assert record["unmeasured"] is True and record["status"] == "no_data"
    assert "fast ett värde borde ha kommit" in record["explanation"]
    config = Config.model_validate({"areas": [{"id": "a", "name": {"sv": "A", "en": "A"}}], "metrics": []})
    assert goal_row(late, config, "sv").attention is True
    # One measurement after the baseline and the goal is judged as before: 60 on 2026-10-31.
    measured = evaluate(STORES, series(("2025-10-31", 58), ("2026-10-31", 60)), d("2027-02-05"))
    assert measured.unmeasured is False and measured.status != "no_data"


def test_a_monthly_value_on_the_baseline_date_is_due_after_62_days():
    subscribers = metric(
        id="subs",
        unit="subscribers",
        cadence="monthly",
        baseline={"date": "2025-12-31", "value": 6200},
        targets=[{"date": "2026-12-31", "value": 7500}],
    )
    only_the_baseline = series(("2025-12-31", 6200))
    assert evaluate(subscribers, only_the_baseline, d("2026-03-03")).status == "on_track"  # day 62
    assert evaluate(subscribers, only_the_baseline, d("2026-03-04")).status == "no_data"  # day 63


def test_the_plan_figure_names_its_date_when_it_is_not_the_as_of_date():
    values = series(("2026-06-30", 7000))
    result = evaluate(NEWSLETTER, values, d("2026-07-15"))
    # expected on 30 June (the value's date) = 6 200 + 1 300 × 181 / 365 = 6 844.6 → 6 844.
    assert result.expected == 6844 and result.expected_date == d("2026-06-30")
    assert reason(result, "sv").replace("\xa0", " ") == "7 000; enligt planen 6 844 den 30 juni 2026."
