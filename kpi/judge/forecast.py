"""The trend projection: a least-squares line through the recent observations.

Deliberately simple and explainable to a board: "if things go on as in the last two years". The
line is fitted to the observations dated in the 24 months up to the as-of date (at least three),
and read off at each target date (``projected``), where it meets the next target (``eta``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DAYS_PER_MONTH = 30.4
WINDOW_MONTHS = 24
MIN_POINTS = 3
_EPOCH = dt.date(1970, 1, 1)


def to_day(value: dt.date) -> int:
    return (value - _EPOCH).days


def from_day(day: float) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(round(day)))


def months_before(value: dt.date, months: int) -> dt.date:
    year, month = divmod(value.year * 12 + value.month - 1 - months, 12)
    month += 1
    for day in (value.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Trend:
    slope_per_day: float
    intercept: float  # value at day 0 of the epoch
    points: int
    first: dt.date
    last: dt.date

    def at(self, when: dt.date) -> float:
        return self.intercept + self.slope_per_day * to_day(when)

    @property
    def per_month(self) -> float:
        return self.slope_per_day * DAYS_PER_MONTH

    def reaches(self, target: float, direction: str, not_before: dt.date) -> dt.date | None:
        """The first date on or after ``not_before`` when the line meets ``target``; None if never."""
        now = self.at(not_before)
        if (now >= target) if direction == "increase" else (now <= target):
            return not_before
        moving_right_way = self.slope_per_day > 0 if direction == "increase" else self.slope_per_day < 0
        if not moving_right_way:
            return None
        day = (target - self.intercept) / self.slope_per_day
        if day - to_day(not_before) > 365 * 200:
            return None
        return from_day(np.ceil(day))


def fit_trend(
    dates: np.ndarray,
    values: np.ndarray,
    as_of: dt.date,
    window_months: int = WINDOW_MONTHS,
    min_points: int = MIN_POINTS,
) -> Trend | None:
    """Fit ``value = a + b·day`` to observations in ``(as_of − 24 months, as_of]``.

    Ordinary least squares in closed form on centred days (the same line ``np.polyfit`` gives,
    a tenth of the cost): the as-of view re-fits every metric at every date the board picks.
    """
    if len(dates) == 0:
        return None
    first = int(np.searchsorted(dates, np.datetime64(months_before(as_of, window_months)), side="right"))
    last = int(np.searchsorted(dates, np.datetime64(as_of), side="right"))
    count = last - first
    if count < min_points:
        return None
    days = dates[first:last].view("int64").astype("float64")
    ys = values[first:last]
    mean_day, mean_value = days.mean(), ys.mean()
    centred = days - mean_day
    spread = float(np.dot(centred, centred))
    if spread == 0:
        return None
    slope = float(np.dot(centred, ys - mean_value)) / spread
    intercept = float(mean_value - slope * mean_day)
    return Trend(slope, intercept, count, dates[first].astype(dt.date), dates[last - 1].astype(dt.date))


def month_end_grid(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every month's last day from ``start``'s month up to ``end``, and ``end`` itself."""
    days: list[dt.date] = []
    year, month = start.year, start.month
    while True:
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        if last > end:
            break
        if last >= start:
            days.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not days or days[-1] != end:
        days.append(end)
    return days


def stepwise_on_grid(
    dates: np.ndarray, values: np.ndarray, as_of: dt.date, until: dt.date
) -> tuple[np.ndarray, np.ndarray]:
    """A register count read at every month end of the trend window, up to ``until``.

    A count holds until it changes, so its series has a point only on the days it changed; a
    line through those days alone weights a busy month like a quiet year. Read on a regular grid,
    the fit says how the count moved per month.
    """
    if len(dates) == 0:
        return dates, values
    first = max(dates[0].astype(dt.date), months_before(as_of, WINDOW_MONTHS) + dt.timedelta(days=1))
    grid = month_end_grid(first, until)
    index = np.searchsorted(dates, np.array(grid, dtype="datetime64[D]"), side="right") - 1
    keep = index >= 0
    return np.array(grid, dtype="datetime64[D]")[keep], values[index[keep]]
