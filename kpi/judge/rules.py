"""The status rule: one answer to "are we on track?", the same on screen, in reports and in the CLI.

It follows Eurostat's and the UN SDG "actual versus required progress" idea and is written up with
a worked example in ``docs/method.md``. For a metric and an as-of date T, only observations dated
on or before T count:

* value: the latest observation (``year_to_date``: the sum of T's calendar year up to T);
* expected: straight lines, linear in days, from the baseline through each target; flat after the
  last target (``year_to_date``: from 0 on 1 January to the year's target on its date);
* pace = (value − baseline) / (expected at the value's date − baseline) (``year_to_date``:
  value / expected at T); with a zero denominator pace is null and the value is judged against
  the baseline alone;
* status, first match: reached (meets the next target not yet past), on_track (pace ≥ 0.95),
  at_risk (≥ 0.6), off_track (≥ 0), moving_away; before the plan period (before the baseline,
  or a year before a yearly count's first target) ``before_plan``, shown but not judged;
* counts are judged against the expected value rounded down to whole units (``granularity``);
* a goal with a direction but no number (``kind: direction``) is judged by its compound annual
  growth rate since the baseline, in Eurostat's bands.

Everything here is plain Python on numpy arrays, with no I/O, so every branch is unit-tested with
hand-computed numbers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kpi.judge.forecast import DAYS_PER_MONTH, Trend, fit_trend, stepwise_on_grid, to_day
from kpi.model.dataset import Series

# The statuses are defined once, in kpi.model.status; re-exported here, where the rule uses them.
from kpi.model.status import STATUSES, StatusCode
from kpi.model.targets import Config, DatedValue, GrowthThresholds, Metric, Thresholds

STALE_AFTER_DAYS = {"monthly": 62, "quarterly": 135, "yearly": 400}


@dataclass
class TargetResult:
    date: dt.date
    value: float
    met: bool | None = None  # None until the target date has passed
    value_at_date: float | None = None  # the value it was judged on


@dataclass
class MetricStatus:
    metric: Metric
    as_of: dt.date
    status: StatusCode
    value: float | None = None
    value_date: dt.date | None = None
    pace: float | None = None
    expected: float | None = None
    baseline: DatedValue | None = None
    stale: bool = False
    targets: list[TargetResult] = field(default_factory=list)
    next_target: TargetResult | None = None
    trend: Trend | None = None
    projected: list[dict[str, Any]] = field(default_factory=list)
    eta: dt.date | None = None
    needed_per_month: float | None = None
    done_date: dt.date | None = None
    observations: int = 0
    thresholds: Thresholds = field(default_factory=Thresholds)
    # A target whose date has come (on its date, or a yearly count's target of this year) and that
    # was not met: the status says so (off track), whatever the pace.
    missed: TargetResult | None = None
    # No measurement since the baseline: the latest value is dated on or before it (the baseline
    # itself, or a value from before the plan). Not a register count (that is current on T).
    unmeasured: bool = False
    # The day ``expected`` is for: the value's date (a level), the judged day (a yearly count).
    expected_date: dt.date | None = None
    # The trend reaches the next target, but only after the last date a forecast may name (a yearly
    # count: the end of its year; else 31 December two years after the last target): that date.
    eta_after: dt.date | None = None
    # A direction goal: compound annual growth since the baseline, per cent a year.
    growth_pct: float | None = None
    growth_thresholds: GrowthThresholds = field(default_factory=GrowthThresholds)

    @property
    def id(self) -> str:
        return self.metric.id

    def target_for_year(self, year: int) -> TargetResult | None:
        for target in self.targets:
            if target.date.year == year:
                return target
        return None

    def plan_start(self) -> dt.date | None:
        """Where the plan period starts: the baseline date, or 1 January of the first target's year."""
        if self.metric.aggregation == "year_to_date" and self.metric.targets:
            return dt.date(self.metric.targets[0].date.year, 1, 1)
        return self.metric.baseline.date if self.metric.baseline else None


def decimals_for(value: float, limits: tuple[float, ...], start: int) -> int:
    """The fewest decimals (from ``start``, at most 6) at which ``value`` printed is on the same
    side of every limit as ``value`` itself."""
    for digits in range(start, 7):
        shown = round(value, digits)
        if all((shown >= limit) == (value >= limit) for limit in limits):
            return digits
    return 6


def pace_decimals(pace: float, thresholds: Thresholds) -> int:
    """Decimals for a printed pace: 2, or more when 2 would round it across a threshold (or 0)."""
    return decimals_for(pace, (thresholds.on_track, thresholds.at_risk, 0.0), 2)


def growth_band(growth_pct: float, direction: str, significant: float) -> str:
    """Eurostat's band for a compound annual growth rate (per cent a year) toward ``direction``."""
    progress = growth_pct if direction == "increase" else -growth_pct
    if progress >= significant:
        return "significant_progress"
    if progress >= 0:
        return "moderate_progress"
    if progress > -significant:
        return "moderate_away"
    return "significant_away"


_BAND_STATUS: dict[str, StatusCode] = {
    "significant_progress": "on_track",
    "moderate_progress": "at_risk",
    "moderate_away": "off_track",
    "significant_away": "moving_away",
}


def meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "increase" else value <= target


def _classify(pace: float, thresholds: Thresholds) -> StatusCode:
    if pace >= thresholds.on_track:
        return "on_track"
    if pace >= thresholds.at_risk:
        return "at_risk"
    if pace >= 0:
        return "off_track"
    return "moving_away"


# --- the path a metric is expected to follow ---------------------------------------------------


def expected_latest(baseline: DatedValue, targets: list[DatedValue], when: dt.date) -> float:
    """Linear in days from the baseline through each target; flat before and after."""
    xs = [to_day(baseline.date)] + [to_day(target.date) for target in targets if target.date > baseline.date]
    ys = [baseline.value] + [target.value for target in targets if target.date > baseline.date]
    return float(np.interp(to_day(when), xs, ys))


def year_target(targets: list[DatedValue], year: int, as_of: dt.date | None = None) -> DatedValue:
    """The target a ``year_to_date`` metric is judged against in ``year``.

    A year with targets of its own uses the first one not yet past (else its last); a later year
    without carries the latest earlier target on to the same day of its year (29 February becomes
    28 February in a year that has none); a year before every target has no target of its own
    and gets the first target only for display: the rule does not judge it (``before_plan``).
    """
    own = [target for target in targets if target.date.year == year]
    if own:
        upcoming = [target for target in own if as_of is None or target.date >= as_of]
        return upcoming[0] if upcoming else own[-1]
    earlier = [target for target in targets if target.date.year < year]
    source = earlier[-1] if earlier else targets[0]
    month, day = source.date.month, source.date.day
    if (month, day) == (2, 29) and not calendar.isleap(year):
        day = 28
    return DatedValue(date=dt.date(year, month, day), value=source.value)


def expected_year_to_date(target: DatedValue, when: dt.date) -> float:
    start = dt.date(when.year, 1, 1)
    span = (target.date - start).days
    if span <= 0 or when >= target.date:
        return target.value
    return target.value * (when - start).days / span


def whole_units(required: float, step: float | None) -> float:
    """The progress required, rounded toward zero to whole ``step``s (counts come in whole units).

    A yearly count of 20 on 2 January expects 0.055: rounded down that is 0, so nobody is behind
    before one whole unit was due. ``step`` None leaves the number as it is.
    """
    if not step:
        return required
    units = math.floor(abs(required) / step + 1e-9)
    return math.copysign(units * step, required) if units else 0.0


def _finite(dates: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop NaN and ±inf: no status is ever computed from them (the loader refuses them too)."""
    keep = np.isfinite(values)
    if bool(keep.all()):
        return dates, values
    return dates[keep], values[keep]


# --- evaluation ----------------------------------------------------------------------------------


def evaluate(
    metric: Metric,
    series: Series,
    as_of: dt.date,
    thresholds: Thresholds | None = None,
    growth: GrowthThresholds | None = None,
) -> MetricStatus:
    """Judge one metric at ``as_of`` from its series; the only place a status is decided."""
    thresholds = thresholds or Thresholds()
    cut = int(np.searchsorted(series.dates, np.datetime64(as_of), side="right"))
    dates, values = _finite(series.dates[:cut], series.values[:cut])
    result = JUDGES[metric.kind](_Case(metric, series, dates, values, as_of, thresholds, growth))
    result.thresholds = thresholds
    return result


@dataclass(frozen=True)
class _Case:
    """What a judge reads: the goal, its series, the values up to ``as_of`` and the bands."""

    metric: Metric
    series: Series
    dates: np.ndarray
    values: np.ndarray
    as_of: dt.date
    thresholds: Thresholds
    growth: GrowthThresholds | None


def _judge_metric(case: _Case) -> MetricStatus:
    judge = _evaluate_year_to_date if case.metric.aggregation == "year_to_date" else _evaluate_latest
    return judge(case.metric, case.series, case.dates, case.values, case.as_of, case.thresholds)


# How each kind of goal (kpi.model.kinds) is judged: the one dispatch on the kind's code.
JUDGES: dict[str, Callable[[_Case], MetricStatus]] = {
    "metric": _judge_metric,
    "milestone": lambda case: _evaluate_milestone(case.metric, case.dates, case.values, case.as_of),
    "direction": lambda case: _evaluate_direction(
        case.metric, case.series, case.dates, case.values, case.as_of, case.metric.growth_thresholds or case.growth
    ),
}


def _evaluate_milestone(metric: Metric, dates: np.ndarray, values: np.ndarray, as_of: dt.date) -> MetricStatus:
    done = dates[values >= 1]
    done_date = done[0].astype(dt.date) if len(done) else None
    due = metric.due_date
    # One answer on the due date: its target is judged that day (met: false when not done), so
    # the status is off track from the due date on, as for every other target.
    status: StatusCode
    if done_date is not None:
        status = "reached"
    elif as_of < due:
        status = "on_track"
    else:
        status = "off_track"
    met = None if due > as_of else bool(done_date is not None and done_date <= due)
    return MetricStatus(
        metric,
        as_of,
        status,
        value=1.0 if done_date else 0.0,
        value_date=done_date,
        targets=[TargetResult(due, 1.0, met, 1.0 if met else 0.0)],
        next_target=TargetResult(due, 1.0),
        done_date=done_date,
        observations=len(dates),
    )


def _latest_at(dates: np.ndarray, values: np.ndarray, when: dt.date) -> float | None:
    index = int(np.searchsorted(dates, np.datetime64(when), side="right")) - 1
    return float(values[index]) if index >= 0 else None


def _year_sum(dates: np.ndarray, values: np.ndarray, when: dt.date) -> float:
    start = np.datetime64(dt.date(when.year, 1, 1))
    mask = (dates >= start) & (dates <= np.datetime64(when))
    return float(values[mask].sum())


def _register_day(series: Series, dates: np.ndarray, as_of: dt.date) -> dt.date:
    """The day a register value at ``as_of`` is counted on: min(T, the last day the register knows).

    The register knows every day up to the day it was loaded, and the dated facts it holds after
    that (an agreement's end date) on their own dates.
    """
    if series.known_until is None:
        return as_of
    last = dates[-1].astype(dt.date) if len(dates) else series.known_until
    return min(as_of, max(series.known_until, last))


def _step(metric: Metric, series: Series, cut: int) -> float | None:
    """The whole unit the expected value is rounded to: the metric's own, else a register share's
    step at its latest point (one member of the denominator), else none."""
    if metric.granularity is not None or metric.step is not None:
        return metric.step
    if series.steps is not None and 0 < cut <= len(series.steps):
        return float(series.steps[cut - 1])
    return None


def _target_results(
    metric: Metric, series: Series, dates: np.ndarray, values: np.ndarray, as_of: dt.date
) -> list[TargetResult]:
    results = []
    for target in metric.targets:
        if target.date > as_of or (series.known_until is not None and target.date > series.known_until):
            # Not yet dated on or before T, or after the last day the register knows: undecided.
            results.append(TargetResult(target.date, target.value))
            continue
        if metric.aggregation == "year_to_date":
            # A register count with no event up to the date is 0 (no row: nothing happened);
            # observation files are judged from their first observation on.
            started = series.stepwise or (len(dates) and dates[0] <= np.datetime64(target.date))
            judged = _year_sum(dates, values, target.date) if started else None
        else:
            judged = _latest_at(dates, values, target.date)
        met = judged is not None and meets(judged, target.value, metric.direction)
        results.append(TargetResult(target.date, target.value, met, judged))
    return results


def _is_stale(metric: Metric, value_date: dt.date | None, as_of: dt.date, stepwise: bool) -> bool:
    if stepwise or value_date is None:
        return False
    return (as_of - value_date).days > STALE_AFTER_DAYS[metric.cadence]


def _evaluate_latest(
    metric: Metric, series: Series, dates: np.ndarray, values: np.ndarray, as_of: dt.date, thresholds: Thresholds
) -> MetricStatus:
    targets = _target_results(metric, series, dates, values, as_of)
    upcoming = [target for target in targets if target.date >= as_of]
    next_target = upcoming[0] if upcoming else targets[-1]
    if len(dates) == 0:
        return MetricStatus(
            metric, as_of, "no_data", baseline=metric.baseline, targets=targets, next_target=next_target
        )
    value = float(values[-1])
    # A register count holds until it changes, so its value is as of T itself (or the last day
    # the register knows), never "stale".
    value_date = _register_day(series, dates, as_of) if series.stepwise else dates[-1].astype(dt.date)
    baseline = metric.baseline or DatedValue(date=dates[0].astype(dt.date), value=float(values[0]))
    result = MetricStatus(
        metric,
        as_of,
        "no_data",
        value=value,
        value_date=value_date,
        baseline=baseline,
        targets=targets,
        next_target=next_target,
        stale=_is_stale(metric, value_date, as_of, series.stepwise),
        observations=len(dates),
    )
    if as_of < baseline.date:
        # Before the baseline there is no plan to judge against: shown, not judged.
        result.status = "before_plan"
        return result
    if _unmeasured(metric, series, value_date, baseline):
        result.unmeasured = True
        if _measurement_due(metric, baseline, as_of):
            # No measurement since the baseline though one was due by the cadence: nothing to
            # judge, and the board must look (no data); the old value is still shown.
            result.status = "no_data"
            return result
    required = whole_units(
        expected_latest(baseline, metric.targets, value_date) - baseline.value, _step(metric, series, cut=len(dates))
    )
    result.expected = baseline.value + required
    result.expected_date = value_date
    if meets(value, next_target.value, metric.direction):
        result.status = "reached"
    if required != 0:
        result.pace = (value - baseline.value) / required
    if result.status != "reached":
        if result.pace is None:
            result.status = "on_track" if meets(value, baseline.value, metric.direction) else "moving_away"
        else:
            result.status = _classify(result.pace, thresholds)
    if result.status != "reached":
        result.missed = _missed(targets, as_of)
        if result.missed is not None:
            result.status = "off_track"
    if series.stepwise:
        # A register count is fitted on month ends, not only on the days it changed.
        grid_dates, grid_values = stepwise_on_grid(dates, values, as_of, value_date)
        _add_forecast(result, grid_dates, grid_values, as_of, value_date, list(metric.targets))
    else:
        _add_forecast(result, dates, values, as_of, value_date, list(metric.targets))
    return result


def _evaluate_year_to_date(
    metric: Metric, series: Series, dates: np.ndarray, values: np.ndarray, as_of: dt.date, thresholds: Thresholds
) -> MetricStatus:
    targets = _target_results(metric, series, dates, values, as_of)
    goal = year_target(metric.targets, as_of.year, as_of)
    next_target = TargetResult(goal.date, goal.value)
    start = dt.date(as_of.year, 1, 1)
    baseline = DatedValue(date=start, value=0.0)
    known = series.known_until
    if (len(dates) == 0 and not series.stepwise) or (known is not None and known < start):
        # No observation; or a register loaded before T's year began knows nothing of that year.
        return MetricStatus(metric, as_of, "no_data", targets=targets, next_target=next_target, baseline=baseline)
    # A register is counted up to the last day it knows; observation files up to T.
    judge_day = min(as_of, known) if known is not None else as_of
    value = _year_sum(dates, values, as_of)
    value_date = judge_day if series.stepwise or len(dates) == 0 else dates[-1].astype(dt.date)
    result = MetricStatus(
        metric,
        as_of,
        "no_data",
        value=value,
        value_date=value_date,
        baseline=baseline,
        targets=targets,
        next_target=next_target,
        stale=_is_stale(metric, value_date, as_of, series.stepwise),
        observations=len(dates),
    )
    if as_of.year < metric.targets[0].date.year:
        # A year before the first target has no target: shown, not judged.
        result.status = "before_plan"
        return result
    if goal.date <= as_of and (known is None or goal.date <= known):
        # This year's dated target has come: it was met or missed on its date, whatever came later.
        judged = _year_sum(dates, values, goal.date)
        result.expected = goal.value
        result.expected_date = goal.date
        result.pace = judged / goal.value if goal.value else None
        if meets(judged, goal.value, metric.direction):
            result.status = "reached"
        else:
            result.status = "off_track"
            result.missed = TargetResult(goal.date, goal.value, False, judged)
    else:
        result.expected = whole_units(expected_year_to_date(goal, judge_day), metric.step)
        result.expected_date = judge_day
        if result.expected != 0:
            result.pace = value / result.expected
        if meets(value, goal.value, metric.direction):
            result.status = "reached"
        elif result.pace is None:
            result.status = "on_track" if meets(value, 0.0, metric.direction) else "moving_away"
        else:
            result.status = _classify(result.pace, thresholds)
    # The trend of a yearly count is the running total of this year, from 0 on 1 January.
    first = np.datetime64(start)
    in_year = dates >= first
    running_dates = np.concatenate(([first], dates[in_year])).astype("datetime64[D]")
    running_values = np.concatenate(([0.0], np.cumsum(values[in_year])))
    _add_forecast(result, running_dates, running_values, as_of, judge_day, [goal])
    return result


def _unmeasured(metric: Metric, series: Series, value_date: dt.date, baseline: DatedValue) -> bool:
    """Whether a goal has had no measurement since its baseline (its latest value is dated on or
    before the baseline date); a register count is counted on T itself, so it is always measured."""
    return metric.baseline is not None and not series.stepwise and value_date <= baseline.date


def _measurement_due(metric: Metric, baseline: DatedValue, as_of: dt.date) -> bool:
    """Whether a value after the baseline was due by ``as_of``: more days have passed since the
    baseline than the cadence allows a value to age (monthly 62, quarterly 135, yearly 400)."""
    return (as_of - baseline.date).days > STALE_AFTER_DAYS[metric.cadence]


def _missed(targets: list[TargetResult], as_of: dt.date) -> TargetResult | None:
    """The target dated on ``as_of`` itself when it was not met (``met`` False; undecided is not
    missed): on its date a target is met or missed, not "at risk". From the next day on the next
    target is the yardstick (after the last one, the last one, judged by pace as before)."""
    for target in targets:
        if target.met is False and target.date == as_of:
            return target
    return None


def forecast_limit(metric: Metric, as_of: dt.date) -> dt.date | None:
    """The last date a forecast may name: a yearly count's end of its year; else 31 December two
    years after the last target (a date past that is not a forecast but a guess)."""
    if metric.aggregation == "year_to_date":
        return dt.date(as_of.year, 12, 31)
    if not metric.targets:
        return None
    return dt.date(metric.targets[-1].date.year + 2, 12, 31)


def compound_growth_pct(baseline: DatedValue, value: float, value_date: dt.date) -> float | None:
    """Compound annual growth rate from the baseline to ``value``, per cent a year.

    CAGR = (value / baseline)^(365.25 / days) − 1. None when it cannot be computed: no time has
    passed, or a value or the baseline is 0 or negative.
    """
    days = (value_date - baseline.date).days
    if days <= 0 or baseline.value <= 0 or value <= 0:
        return None
    return 100.0 * ((value / baseline.value) ** (365.25 / days) - 1.0)


def _evaluate_direction(
    metric: Metric,
    series: Series,
    dates: np.ndarray,
    values: np.ndarray,
    as_of: dt.date,
    growth: GrowthThresholds | None,
) -> MetricStatus:
    """A goal with a direction but no number ("fler …"): Eurostat's method without a target.

    The status comes from the compound annual growth rate since the baseline: significant
    progress (≥ 1 % a year toward the direction) on track, moderate progress (0–1 %) at risk,
    moderate movement away (0 to −1 %) off track, significant movement away moving away.
    Reached only from the due date on, when the value then was beyond the baseline.
    """
    growth = growth or GrowthThresholds()
    baseline = metric.baseline
    due = metric.due_date
    assert baseline is not None  # the schema requires one for kind: direction
    known = series.known_until
    undecided = due > as_of or (known is not None and due > known)
    judged = None if undecided else _latest_at(dates, values, due)
    met = None if undecided else bool(judged is not None and _beyond(judged, baseline.value, metric.direction))
    target = TargetResult(due, baseline.value, met, judged)
    result = MetricStatus(
        metric,
        as_of,
        "no_data",
        baseline=baseline,
        targets=[target],
        next_target=TargetResult(due, baseline.value),
        growth_thresholds=growth,
        observations=len(dates),
    )
    if len(dates) == 0:
        return result
    result.value = float(values[-1])
    result.value_date = _register_day(series, dates, as_of) if series.stepwise else dates[-1].astype(dt.date)
    result.stale = _is_stale(metric, result.value_date, as_of, series.stepwise)
    if as_of < baseline.date:
        result.status = "before_plan"
        return result
    if _unmeasured(metric, series, result.value_date, baseline):
        result.unmeasured = True
        if _measurement_due(metric, baseline, as_of) and met is None:
            result.status = "no_data"
            return result
    result.growth_pct = compound_growth_pct(baseline, result.value, result.value_date)
    if result.growth_pct == 0 and _no_whole_unit_due(metric, baseline, result.value_date, growth):
        # Unchanged, and significant growth would not yet amount to one whole unit (12
        # restaurants at 1 % a year need eight years for one more): nothing was due yet.
        result.growth_pct = None
    if met:
        result.status = "reached"
    elif met is False and due == as_of:
        # On its due date a direction goal not beyond its baseline is missed (rule 5); from the
        # next day on its growth band is the status again (met stays false), as after a number's
        # last target.
        result.status = "off_track"
        result.missed = target
    elif result.growth_pct is None:
        same = result.value == baseline.value
        result.status = "on_track" if same or _beyond(result.value, baseline.value, metric.direction) else "moving_away"
    else:
        result.status = _BAND_STATUS[growth_band(result.growth_pct, metric.direction, growth.significant)]
    result.trend = fit_trend(dates, values, as_of)
    if result.trend is not None:
        result.projected = [{"date": due, "value": result.trend.at(due)}]
    return result


def _no_whole_unit_due(metric: Metric, baseline: DatedValue, when: dt.date, growth: GrowthThresholds) -> bool:
    """Whether growth at the significant rate since the baseline is still less than one whole unit."""
    if not metric.step:
        return False
    years = (when - baseline.date).days / 365.25
    due = abs(baseline.value) * ((1 + growth.significant / 100) ** years - 1)
    return whole_units(due, metric.step) == 0


def _beyond(value: float, baseline: float, direction: str) -> bool:
    """Strictly beyond the baseline in the goal's direction ("fler" means more than before)."""
    return value > baseline if direction == "increase" else value < baseline


def _add_forecast(
    result: MetricStatus,
    dates: np.ndarray,
    values: np.ndarray,
    as_of: dt.date,
    value_date: dt.date,
    targets: list[DatedValue],
) -> None:
    metric = result.metric
    trend = fit_trend(dates, values, as_of)
    result.trend = trend
    next_target = result.next_target
    if next_target is None:  # every evaluation sets one; nothing to forecast toward otherwise
        return
    if trend is not None:
        result.projected = [{"date": target.date, "value": trend.at(target.date)} for target in targets]
        if result.status != "reached" and result.missed is None:
            eta = trend.reaches(next_target.value, metric.direction, as_of)
            limit = forecast_limit(metric, as_of)
            if eta is not None and limit is not None and eta > limit:
                result.eta_after = limit
            else:
                result.eta = eta
    if result.status == "reached":
        result.needed_per_month = 0.0
    elif next_target.date > value_date and result.value is not None:
        months = (next_target.date - value_date).days / DAYS_PER_MONTH
        result.needed_per_month = (next_target.value - result.value) / months


def evaluate_all(config: Config, series_by_metric: dict[str, Series], as_of: dt.date) -> list[MetricStatus]:
    """Every metric of the configuration at ``as_of``, in the order of ``targets.yaml``."""
    empty = Series.empty()
    return [
        evaluate(
            metric, series_by_metric.get(metric.id, empty), as_of, config.status_thresholds, config.growth_thresholds
        )
        for metric in config.metrics
    ]


def count_by_status(statuses: list[MetricStatus]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for item in statuses:
        counts[item.status] += 1
    return counts
