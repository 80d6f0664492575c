"""Every branch of the status rule, each with numbers worked out by hand in the comment."""

from __future__ import annotations

import pytest

from kpi.judge.explain import explanation, status_record
from kpi.judge.rules import evaluate, expected_latest, expected_year_to_date, year_target
from kpi.model.targets import DatedValue, Thresholds
from tests.support import d, metric, series

# Newsletter: baseline 6 200 on 2025-12-31, 7 500 on 2026-12-31 (365 days later), 11 000 on 2030-12-31.


def test_expected_path_is_linear_in_days(newsletter):
    # 2026-07-02 is day 183 of 365: 6200 + 1300 * 183/365 = 6851.78
    assert expected_latest(newsletter.baseline, newsletter.targets, d("2026-07-02")) == pytest.approx(
        6851.7808, abs=1e-3
    )
    # Between the targets: 2028-12-31 is 731 of 1461 days after 2026-12-31: 7500 + 3500 * 731/1461 = 9251.20
    assert expected_latest(newsletter.baseline, newsletter.targets, d("2028-12-31")) == pytest.approx(
        9251.1978, abs=1e-3
    )
    # Before the baseline it is the baseline; after the last target it stays there.
    assert expected_latest(newsletter.baseline, newsletter.targets, d("2025-01-01")) == 6200
    assert expected_latest(newsletter.baseline, newsletter.targets, d("2032-06-01")) == 11000


def test_on_track(newsletter):
    # value 7 100 on 2026-09-30 (273 days): expected 6200 + 1300*273/365 = 7172.33; pace 900/972.33 = 0.9256
    # → below 0.95: at risk. With 7 150: pace 950/972.33 = 0.977 → on track.
    result = evaluate(newsletter, series(("2026-09-30", 7150)), d("2026-10-15"))
    assert result.status == "on_track"
    assert result.expected == pytest.approx(7172.3288, abs=1e-3)
    assert result.pace == pytest.approx(950 / 972.3288, abs=1e-6)
    assert result.value == 7150 and result.value_date == d("2026-09-30")


def test_at_risk(newsletter):
    result = evaluate(newsletter, series(("2026-09-30", 7100)), d("2026-10-15"))
    assert result.status == "at_risk"
    assert result.pace == pytest.approx(900 / 972.3288, abs=1e-6)  # 0.9256


def test_off_track(newsletter):
    # 6 500 on 2026-09-30: pace 300/972.33 = 0.3085 → off track (>= 0, < 0.6)
    result = evaluate(newsletter, series(("2026-09-30", 6500)), d("2026-10-15"))
    assert result.status == "off_track"
    assert result.pace == pytest.approx(0.30854, abs=1e-4)


def test_moving_away(newsletter):
    # 6 100 < baseline: pace -100/972.33 < 0
    result = evaluate(newsletter, series(("2026-09-30", 6100)), d("2026-10-15"))
    assert result.status == "moving_away"
    assert result.pace < 0


def test_reached_when_next_target_met(newsletter):
    result = evaluate(newsletter, series(("2026-09-30", 7600)), d("2026-10-15"))
    assert result.status == "reached"
    assert result.next_target.value == 7500
    assert result.needed_per_month == 0


def test_thresholds_from_config_change_the_verdict(newsletter):
    # pace 0.9256 is at risk with the default 0.95 but on track with a 0.9 threshold.
    result = evaluate(newsletter, series(("2026-09-30", 7100)), d("2026-10-15"), Thresholds(on_track=0.9, at_risk=0.5))
    assert result.status == "on_track"


def test_no_data(newsletter):
    result = evaluate(newsletter, series(), d("2026-10-15"))
    assert result.status == "no_data"
    assert result.value is None and result.pace is None


def test_as_of_between_observations_uses_only_earlier_values(newsletter):
    data = series(("2026-03-31", 6600), ("2026-09-30", 7600))
    early = evaluate(newsletter, data, d("2026-06-15"))
    # 6 600 on 2026-03-31 (90 days): expected 6200 + 1300*90/365 = 6520.55; pace 400/320.55 = 1.248
    assert early.value == 6600 and early.value_date == d("2026-03-31")
    assert early.status == "on_track"
    assert early.pace == pytest.approx(400 / (1300 * 90 / 365), abs=1e-6)
    assert evaluate(newsletter, data, d("2026-10-01")).status == "reached"


def test_before_the_baseline_there_is_no_plan_to_judge(newsletter):
    # As of 2025-07-01, before the baseline date 2025-12-31: shown, not judged (issue 13, item 6).
    above = evaluate(newsletter, series(("2025-06-30", 6300)), d("2025-07-01"))
    assert above.status == "before_plan" and above.pace is None and above.value == 6300
    below = evaluate(newsletter, series(("2025-06-30", 6000)), d("2025-07-01"))
    assert below.status == "before_plan"


def test_a_value_dated_before_the_baseline_pace_is_null(newsletter):
    # As of 2026-01-15 the latest value is from 2025-06-30: expected at that date = baseline,
    # denominator 0 → pace null, judged against the baseline alone.
    above = evaluate(newsletter, series(("2025-06-30", 6300)), d("2026-01-15"))
    assert above.pace is None and above.status == "on_track"
    below = evaluate(newsletter, series(("2025-06-30", 6000)), d("2026-01-15"))
    assert below.pace is None and below.status == "moving_away"


def test_after_the_last_target_judged_against_it(newsletter):
    # 2031: the last target (11 000) is the yardstick; expected stays 11 000.
    result = evaluate(newsletter, series(("2031-03-31", 10500)), d("2031-04-01"))
    assert result.next_target.value == 11000
    assert result.expected == 11000
    # pace = (10500-6200)/(11000-6200) = 0.8958 → at risk
    assert result.pace == pytest.approx(4300 / 4800)
    assert result.status == "at_risk"
    assert [t.met for t in result.targets] == [False, False]


def test_missed_2026_target_judged_against_2030(newsletter):
    # 2027-06-30 is 181 days after 2026-12-31; expected 7500 + 3500*181/1461 = 7933.61
    data = series(("2026-12-31", 7300), ("2027-06-30", 7800))
    result = evaluate(newsletter, data, d("2027-07-01"))
    assert result.targets[0].met is False and result.targets[0].value_at_date == 7300
    assert result.targets[1].met is None
    assert result.next_target.value == 11000
    assert result.expected == pytest.approx(7500 + 3500 * 181 / 1461, abs=1e-6)
    assert result.pace == pytest.approx(1600 / (1300 + 3500 * 181 / 1461), abs=1e-6)  # 0.921
    assert result.status == "at_risk"


def test_met_is_judged_on_the_value_at_the_target_date(newsletter):
    # A later value above target does not rewrite history: on 2026-12-31 the value was 7 400.
    data = series(("2026-12-31", 7400), ("2027-01-31", 7700))
    result = evaluate(newsletter, data, d("2027-02-01"))
    assert result.targets[0].met is False
    assert result.targets[0].value_at_date == 7400


def test_decrease_metric():
    # Costs down from 100 (2025-12-31) to 80 (2026-12-31). On 2026-07-02 (day 183): expected 100 - 20*183/365 = 89.97
    costs = metric(
        direction="decrease",
        baseline={"date": "2025-12-31", "value": 100},
        targets=[{"date": "2026-12-31", "value": 80}],
    )
    on = evaluate(costs, series(("2026-07-02", 90)), d("2026-07-02"))
    assert on.pace == pytest.approx(10 / (20 * 183 / 365), abs=1e-6)  # 0.997
    assert on.status == "on_track"
    assert evaluate(costs, series(("2026-07-02", 95)), d("2026-07-02")).status == "off_track"  # pace 0.4986
    assert evaluate(costs, series(("2026-07-02", 101)), d("2026-07-02")).status == "moving_away"
    assert evaluate(costs, series(("2026-07-02", 79)), d("2026-07-02")).status == "reached"


def test_year_to_date_sums_this_year_only():
    trainings = metric(aggregation="year_to_date", cadence="yearly", targets=[{"date": "2026-12-31", "value": 6}])
    data = series(("2025-11-01", 4), ("2026-02-10", 1), ("2026-05-10", 1), ("2026-09-10", 1))
    result = evaluate(trainings, data, d("2026-07-01"))
    # value 2 (2025 does not count); expected 6 * 181/364 = 2.9835; pace 0.670 → at risk
    assert result.value == 2
    assert result.expected == pytest.approx(6 * 181 / 364)
    assert result.pace == pytest.approx(2 / (6 * 181 / 364))
    assert result.status == "at_risk"
    assert evaluate(trainings, data, d("2026-12-31")).targets[0].met is False  # 3 < 6


def test_year_to_date_carries_the_target_into_later_years():
    trainings = metric(aggregation="year_to_date", targets=[{"date": "2026-12-31", "value": 6}])
    goal = year_target(trainings.targets, 2028)
    assert goal == DatedValue(date=d("2028-12-31"), value=6)
    data = series(*[(f"2028-0{m}-15", 1) for m in range(1, 7)])
    assert evaluate(trainings, data, d("2028-07-01")).status == "reached"  # 6 >= 6
    # A year before the first target uses the first target.
    assert year_target(trainings.targets, 2025).value == 6


def test_year_to_date_expected_from_zero_on_first_of_january():
    goal = DatedValue(date=d("2026-12-31"), value=9)
    assert expected_year_to_date(goal, d("2026-01-01")) == 0
    assert expected_year_to_date(goal, d("2026-12-31")) == 9
    assert expected_year_to_date(goal, d("2026-04-01")) == pytest.approx(9 * 90 / 364)


def test_year_to_date_decrease_zero_target():
    # "ingen medlem har utträtt utan naturliga skäl": 0 in 2026.
    leavers = metric(direction="decrease", aggregation="year_to_date", targets=[{"date": "2026-12-31", "value": 0}])
    assert evaluate(leavers, series(("2025-05-01", 1)), d("2026-06-01")).status == "reached"  # 0 this year
    one = evaluate(leavers, series(("2026-05-01", 1)), d("2026-06-01"))
    assert one.pace is None and one.status == "moving_away"


def test_milestone():
    uf = metric(kind="milestone", due="2026-12-31")
    assert evaluate(uf, series(), d("2026-06-01")).status == "on_track"
    assert evaluate(uf, series(), d("2027-01-01")).status == "off_track"
    done = evaluate(uf, series(("2026-03-01", 1)), d("2027-01-01"))
    assert done.status == "reached" and done.done_date == d("2026-03-01")
    assert done.targets[0].met is True
    # Done after the as-of date does not count yet.
    assert evaluate(uf, series(("2026-09-01", 1)), d("2026-06-01")).status == "on_track"
    # Done late: reached, but the due date was not met.
    late = evaluate(uf, series(("2027-02-01", 1)), d("2027-03-01"))
    assert late.status == "reached" and late.targets[0].met is False


@pytest.mark.parametrize(
    "cadence, age, stale",
    [
        ("monthly", 62, False),
        ("monthly", 63, True),
        ("quarterly", 135, False),
        ("quarterly", 136, True),
        ("yearly", 400, False),
        ("yearly", 401, True),
    ],
)
def test_stale_by_cadence(cadence, age, stale):
    import datetime as dt

    m = metric(
        cadence=cadence, baseline={"date": "2020-01-01", "value": 0}, targets=[{"date": "2030-12-31", "value": 100}]
    )
    as_of = d("2026-06-30")
    result = evaluate(m, series(((as_of - dt.timedelta(days=age)).isoformat(), 50)), as_of)
    assert result.stale is stale
    assert result.status != "no_data"  # the status is still computed


def test_register_series_is_current_at_the_as_of_date():
    members = metric(
        baseline={"date": "2025-12-31", "value": 160}, targets=[{"date": "2030-12-31", "value": 200}], cadence="monthly"
    )
    result = evaluate(members, series(("2025-01-10", 150), ("2026-02-01", 165), stepwise=True), d("2026-11-23"))
    assert result.value == 165 and result.value_date == d("2026-11-23") and result.stale is False


def test_explanation_names_the_numbers(newsletter):
    result = evaluate(newsletter, series(("2026-09-30", 7150)), d("2026-10-15"))
    # Swedish groups thousands with a no-break space, so "7 150" never wraps across lines.
    assert explanation(result, "sv") == "På väg: 7\u00a0150 mot förväntat 7\u00a0172, takt 0,98."
    assert explanation(result, "en") == "On track: 7,150 against an expected 7,172, pace 0.98."


def test_json_contract_fields(newsletter):
    data = status_record(evaluate(newsletter, series(("2026-09-30", 7150)), d("2026-10-15")), "sv")
    for key in (
        "id",
        "name",
        "area",
        "value",
        "value_date",
        "status",
        "pace",
        "stale",
        "targets",
        "projected",
        "eta",
        "needed_per_month",
    ):
        assert key in data
    assert data["targets"] == [
        {"date": "2026-12-31", "value": 7500.0, "met": None},
        {"date": "2030-12-31", "value": 11000.0, "met": None},
    ]
