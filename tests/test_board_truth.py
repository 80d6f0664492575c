"""Issue 22, item 2: a register measure has no history before its register's first dated fact, and
for every goal of the example data at many dates the status, its sentence and the forecast never
contradict each other."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.judge.rules import MetricStatus, evaluate_all, forecast_limit
from kpi.show.meeting import reason
from kpi.show.views import forecast_text
from kpi.text.i18n import format_date
from tests.support import ROOT, TODAY, d


@pytest.fixture(scope="module")
def example():
    """The example data as the suite's TODAY sees it (a module fixture runs before the autouse
    clock fixture, so it pins the clock itself)."""
    from kpi.read.load import load_dataset

    return load_dataset(ROOT / "data", ROOT / "targets.yaml", today=TODAY)


def first_day(series) -> dt.date:
    return series.dates[0].astype(dt.date)


def test_a_register_share_starts_on_the_registers_first_dated_fact(example):
    # The first login in data/logins.csv is 2024-01-09; the first answer to "increased
    # profitability" in data/surveys.csv is 2025-12-01. Members joined from 2017: the shares used
    # to read 0 % from then on, and the trend was fitted to the jump from 0.
    assert first_day(example.series["member_pages_usage_pct"]) == d("2024-01-09")
    assert first_day(example.series["members_profitability_pct"]) == d("2025-12-01")
    before = {item.id: item for item in evaluate_all(example.config, example.series, d("2023-06-30"))}
    assert before["member_pages_usage_pct"].value is None and before["member_pages_usage_pct"].status == "no_data"
    # A level (members) still counts from its first row.
    assert first_day(example.series["members_total"]) < d("2020-01-01")


def test_profitability_no_longer_moves_away_toward_a_target_reached_in_2028(example):
    item = next(
        i for i in evaluate_all(example.config, example.series, d("2026-02-15")) if i.id == "members_profitability_pct"
    )
    # 24,7 % against the baseline 25 %: moving away, and the trend of the answers since
    # 2025-12-01 does not reach 50 % (it read "nås 8 feb. 2028" from a fitted jump from 0 %).
    assert item.status == "moving_away" and item.eta is None


def contradictions(item: MetricStatus, lang: str = "sv") -> list[str]:
    """What a board member would read as the page contradicting itself."""
    found = []
    text, forecast = reason(item, lang), forecast_text(item, lang)
    if not text:
        found.append("no sentence")
    if item.eta is not None:
        limit = forecast_limit(item.metric, item.as_of)
        if item.eta < item.as_of or (limit is not None and item.eta > limit):
            found.append(f"eta {item.eta} outside [{item.as_of}, {limit}]")
        if item.status == "moving_away":
            found.append("moving away, yet the target is reached on a date")
        if format_date(item.eta, lang) not in forecast:
            found.append("eta missing from the forecast")
    if item.status == "reached" and (forecast or "nås inte" in text):
        found.append("reached, yet a forecast")
    if item.missed is not None and (item.status != "off_track" or item.eta is not None or "nåddes inte" not in text):
        found.append("a missed target not said so")
    due_today = [t for t in item.targets if t.date == item.as_of and t.met is False]
    if due_today and item.status in ("on_track", "at_risk"):
        found.append("a target missed today, yet on track or at risk")
    judged_by_pace = not item.metric.kind_of.done_or_not and not item.metric.kind_of.by_growth
    if judged_by_pace and item.status in ("at_risk", "off_track", "moving_away") and item.trend is not None:
        if item.missed is None and ("nås" not in text):
            found.append("behind, but the sentence has no forecast")
        if item.eta is None and " nås " in text and "nås inte" not in text:
            found.append("no eta, yet a month")
    return found


GRID = [d("2024-01-01") + dt.timedelta(days=step) for step in range(0, 8 * 366, 17)]
NAMED = [d(day) for day in ("2025-12-31", "2026-01-01", "2026-02-15", "2026-10-12", "2026-12-31", "2027-03-01")]


def test_status_sentence_and_forecast_agree_for_every_goal_on_a_grid_of_dates(example):
    found = {}
    for day in GRID + NAMED:
        for item in evaluate_all(example.config, example.series, day):
            problems = contradictions(item)
            if problems:
                found[(day.isoformat(), item.id)] = problems
    assert not found, dict(list(found.items())[:10])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2032, 12, 31)), st.sampled_from(["sv", "en"]))
def test_status_sentence_and_forecast_agree_on_any_date(example, day, lang):
    for item in evaluate_all(example.config, example.series, day):
        if lang == "sv":
            assert not contradictions(item), (day, item.id, contradictions(item))
        else:  # the English page is built from the same fields: it never fails to render
            assert reason(item, lang) and isinstance(forecast_text(item, lang), str)


def test_the_grid_covers_every_status(example):
    seen = {item.status for day in GRID + NAMED for item in evaluate_all(example.config, example.series, day)}
    assert seen >= {"reached", "on_track", "at_risk", "off_track", "moving_away", "before_plan"}
    assert np.datetime64(GRID[-1]) > np.datetime64("2031-01-01")
