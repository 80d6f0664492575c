"""Goals with a direction but no number ("fler …"): Eurostat's growth bands (issue 13)."""

from __future__ import annotations

import pytest

from kpi.judge.explain import explanation, status_record
from kpi.judge.rules import compound_growth_pct, evaluate, growth_band
from kpi.model.targets import DatedValue, GrowthThresholds
from kpi.read.targets import load_config
from tests.support import ROOT, d, metric, series


def businesses(**fields):
    base = {
        "kind": "direction",
        "unit": "businesses",
        "cadence": "yearly",
        "baseline": {"date": "2025-12-31", "value": 2356},
        "due": "2030-12-31",
    }
    base.update(fields)
    return metric(**base)


def test_compound_annual_growth_by_hand():
    # (2 400 / 2 356)^(365.25/365) − 1 = 1.8689 % a year.
    baseline = DatedValue(date=d("2025-12-31"), value=2356)
    assert compound_growth_pct(baseline, 2400, d("2026-12-31")) == pytest.approx(1.86886, abs=1e-4)
    assert compound_growth_pct(baseline, 2400, d("2025-12-31")) is None  # no time has passed


@pytest.mark.parametrize(
    ("value", "growth", "status"),
    [
        (2400, 1.86886, "on_track"),  # significant progress (≥ 1 %)
        (2370, 0.59464, "at_risk"),  # moderate progress (0–1 %)
        (2350, -0.25484, "off_track"),  # moderate movement away (0 to −1 %)
        (2300, -2.37852, "moving_away"),  # significant movement away (< −1 %)
    ],
)
def test_the_four_bands(value, growth, status):
    result = evaluate(businesses(), series(("2026-12-31", value)), d("2027-01-15"))
    assert result.growth_pct == pytest.approx(growth, abs=1e-4)
    assert result.status == status
    assert status_record(result)["growth_pct_per_year"] == pytest.approx(growth, abs=1e-4)


def test_a_change_of_one_is_not_reached_before_the_due_date():
    # 2 357 (one more) after a year: 0.0425 % a year → moderate progress, not "reached".
    result = evaluate(businesses(), series(("2026-12-31", 2357)), d("2027-01-15"))
    assert result.status == "at_risk" and result.targets[0].met is None
    assert "måttliga framsteg" in explanation(result, "sv")
    assert "moderate progress" in explanation(result, "en")


def test_at_the_due_date_met_means_above_the_baseline():
    above = evaluate(businesses(), series(("2030-12-31", 2357)), d("2031-01-15"))
    assert above.targets[0].met is True and above.status == "reached"
    level = evaluate(businesses(), series(("2030-12-31", 2356)), d("2031-01-15"))
    # Equal is not "more": met false; 0 % a year is moderate progress → at risk.
    assert level.targets[0].met is False and level.status == "at_risk"


def test_a_decreasing_direction_mirrors_the_bands():
    # Fewer: 100 → 97 after a year: −3.0 % a year is significant progress for "decrease".
    fewer = businesses(direction="decrease", baseline={"date": "2025-12-31", "value": 100})
    result = evaluate(fewer, series(("2026-12-31", 97)), d("2027-01-15"))
    assert result.status == "on_track"
    assert growth_band(-3.0, "decrease", 1.0) == "significant_progress"


def test_the_thresholds_can_be_overridden():
    # With a 0.5 % band, 0.59 % a year is significant progress.
    result = evaluate(businesses(growth_thresholds={"significant": 0.5}), series(("2026-12-31", 2370)), d("2027-01-15"))
    assert result.status == "on_track"
    assert (
        evaluate(
            businesses(), series(("2026-12-31", 2370)), d("2027-01-15"), growth=GrowthThresholds(significant=0.5)
        ).status
        == "on_track"
    )


def test_before_the_baseline_and_without_data():
    assert evaluate(businesses(), series(("2025-06-30", 2300)), d("2025-07-01")).status == "before_plan"
    assert evaluate(businesses(), series(), d("2026-07-01")).status == "no_data"


def test_a_direction_goal_needs_a_baseline_and_a_due_date():
    with pytest.raises(ValueError, match="baseline and a due date"):
        metric(kind="direction", due="2030-12-31")


def test_the_plan_encodes_the_four_more_goals_as_direction_goals():
    config = load_config(ROOT / "targets.yaml")
    kinds = {m.id: m.kind for m in config.metrics}
    for goal in ("members_restaurants", "restaurants_local_food", "local_food_hubs", "food_businesses_sormland"):
        assert kinds[goal] == "direction"


def test_unchanged_before_one_whole_unit_of_growth_was_due_is_on_track():
    # 12 restaurant members, unchanged on 2026-01-02: 1 % a year of 12 is 0.12 a year, no whole
    # restaurant due yet → on track, "no change was expected yet" (was: 0 % → moderate → at risk).
    restaurants = businesses(unit="members", baseline={"date": "2025-12-31", "value": 12}, due="2026-12-31")
    unchanged = evaluate(restaurants, series(("2020-01-01", 12), stepwise=True), d("2026-01-02"))
    assert unchanged.status == "on_track" and unchanged.growth_pct is None
    assert "ingen ökning väntades ännu" in explanation(unchanged, "sv")
    # 2 356 businesses unchanged on 2026-02-28 (59 days): 2 356 × (1.01^(59/365.25) − 1) = 3.79 → 3
    # whole businesses were due at the significant rate: 0 % a year is moderate progress → at risk.
    flat = evaluate(businesses(), series(("2026-02-28", 2356)), d("2026-03-01"))
    assert flat.status == "at_risk" and flat.growth_pct == 0
