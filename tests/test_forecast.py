"""The trend line: least squares over the 24 months before the as-of date, at least 3 points."""

from __future__ import annotations

import numpy as np
import pytest

from kpi.judge.forecast import fit_trend, months_before, stepwise_on_grid
from kpi.judge.rules import evaluate
from kpi.model.dataset import Series
from tests.support import d, metric, series


def test_exact_line_is_recovered():
    # 10 a day from 1 000 on 2026-01-01: points on days 0, 31, 59 → 1000, 1310, 1590
    data = series(("2026-01-01", 1000), ("2026-02-01", 1310), ("2026-03-01", 1590))
    trend = fit_trend(data.dates, data.values, d("2026-03-31"))
    assert trend.slope_per_day == pytest.approx(10)
    assert trend.at(d("2026-04-10")) == pytest.approx(1000 + 10 * 99)
    assert trend.per_month == pytest.approx(304)
    assert trend.reaches(2000, "increase", d("2026-03-31")) == d("2026-04-11")  # day 100
    assert trend.reaches(500, "decrease", d("2026-03-31")) is None  # moving the wrong way


def test_matches_numpy_polyfit_on_noisy_data():
    rng = np.random.default_rng(3)
    dates = np.arange(np.datetime64("2025-01-01"), np.datetime64("2026-06-01"), 14)
    values = 500 + 2.5 * np.arange(len(dates)) + rng.normal(0, 20, len(dates))
    trend = fit_trend(dates, values, d("2026-06-01"))
    slope, intercept = np.polyfit(dates.astype("int64").astype(float), values, 1)
    assert trend.slope_per_day == pytest.approx(slope, rel=1e-9)
    assert trend.intercept == pytest.approx(intercept, rel=1e-9)


def test_window_and_minimum_points():
    data = series(("2023-01-31", 1), ("2024-12-31", 2), ("2025-06-30", 3), ("2026-06-30", 4))
    # As of 2026-12-31 the window starts after 2024-12-31: only two points → no trend.
    assert fit_trend(data.dates, data.values, d("2026-12-31")) is None
    trend = fit_trend(data.dates, data.values, d("2026-12-30"))
    assert trend is not None and trend.points == 3 and trend.first == d("2024-12-31")
    # Observations after the as-of date are not used.
    assert fit_trend(data.dates, data.values, d("2025-06-29")) is None


def test_months_before_clamps_month_ends():
    assert months_before(d("2026-03-31"), 1) == d("2026-02-28")
    assert months_before(d("2026-11-23"), 24) == d("2024-11-23")
    assert months_before(d("2026-01-15"), 3) == d("2025-10-15")


def test_a_register_count_is_fitted_on_month_ends():
    # Agreements: 2 from 2025-06-01, 3 from 2026-03-01; as of 2026-06-30, value date 2026-06-30.
    # The 24-month window starts 2024-07-01; the count exists from 2025-06-01: month ends
    # 2025-06-30 … 2026-05-31 and 2026-06-30 = 13 points: 2 × 9 (Jun 2025 – Feb 2026), 3 × 4.
    changes = series(("2025-06-01", 2), ("2026-03-01", 3))
    grid_dates, grid_values = stepwise_on_grid(changes.dates, changes.values, d("2026-06-30"), d("2026-06-30"))
    assert len(grid_dates) == 13 and grid_dates[0] == np.datetime64("2025-06-30")
    assert list(grid_values) == [2.0] * 9 + [3.0] * 4
    agreements = metric(
        unit="agreements", baseline={"date": "2025-12-31", "value": 2}, targets=[{"date": "2030-12-31", "value": 9}]
    )
    register = Series(changes.dates, changes.values, stepwise=True, known_until=d("2026-11-23"))
    result = evaluate(agreements, register, d("2026-06-30"))
    assert result.trend is not None and result.trend.points == 13
    # Through the two change days alone there would be only 2 points (no trend at all).
    expected = np.polyfit(grid_dates.astype("int64").astype(float), grid_values, 1)[0]
    assert result.trend.slope_per_day == pytest.approx(expected)
