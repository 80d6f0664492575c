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
  at_risk (≥ 0.6), off_track (≥ 0), moving_away.

Everything here is plain Python on numpy arrays, with no I/O, so every branch is unit-tested with
hand-computed numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kpi.judge.forecast import DAYS_PER_MONTH, Trend, fit_trend, to_day
from kpi.model.dataset import Series
from kpi.model.targets import Config, DatedValue, Metric, Thresholds
from kpi.model.values import as_number, iso
from kpi.text.i18n import format_date, format_number, t

STATUSES = ("reached", "on_track", "at_risk", "off_track", "moving_away", "no_data")
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
    status: str
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

    @property
    def id(self) -> str:
        return self.metric.id

    def target_for_year(self, year: int) -> TargetResult | None:
        for target in self.targets:
            if target.date.year == year:
                return target
        return None

    def explanation(self, lang: str = "sv") -> str:
        """The sentence that says why, with the numbers the rule used."""
        word = t("status." + self.status, lang)
        decimals = self.metric.decimals
        if decimals is None and self.value is not None:
            decimals = 0 if float(self.value).is_integer() else 1
        number = lambda v: format_number(v, lang, decimals)  # noqa: E731
        if self.metric.kind == "milestone":
            if self.done_date:
                text = t("explain.milestone_done", lang, word=word, done=format_date(self.done_date, lang))
            elif self.status == "off_track":
                text = t("explain.milestone_late", lang, word=word, due=format_date(self.metric.due, lang))
            else:
                text = t("explain.milestone_open", lang, word=word, due=format_date(self.metric.due, lang))
            return text
        if self.status == "no_data":
            return t("explain.no_data", lang, word=word, as_of=format_date(self.as_of, lang))
        if self.status == "reached" and self.next_target is not None:
            text = t(
                "explain.reached",
                lang,
                word=word,
                value=number(self.value),
                target=number(self.next_target.value),
                target_date=format_date(self.next_target.date, lang),
            )
        elif self.pace is not None:
            text = t(
                "explain.pace",
                lang,
                word=word,
                value=number(self.value),
                expected=number(self.expected),
                pace=format_number(self.pace, lang, 2),
            )
        else:
            baseline = self.baseline.value if self.baseline else 0
            key = "explain.no_pace_ok" if self.status == "on_track" else "explain.no_pace_away"
            text = t(key, lang, word=word, value=number(self.value), baseline=number(baseline))
        if self.stale:
            text += " " + t(
                "explain.stale",
                lang,
                value_date=format_date(self.value_date, lang),
                cadence=t("cadence." + self.metric.cadence, lang),
            )
        return text

    def to_dict(self, lang: str = "sv") -> dict[str, Any]:
        """The JSON contract of ``kpi status --format json`` (keys are relied on by other tools)."""
        metric = self.metric
        return {
            "id": metric.id,
            "name": metric.display_name(lang),
            "area": metric.area,
            "kind": metric.kind,
            "unit": metric.unit,
            "direction": metric.direction,
            "aggregation": metric.aggregation,
            "as_of": self.as_of.isoformat(),
            "value": _four(self.value),
            "value_date": iso(self.value_date),
            "status": self.status,
            "status_label": t("status." + self.status, lang),
            "pace": _four(self.pace),
            "expected": _four(self.expected),
            "stale": self.stale,
            "baseline": {"date": iso(self.baseline.date), "value": self.baseline.value} if self.baseline else None,
            "targets": [
                {"date": target.date.isoformat(), "value": target.value, "met": target.met} for target in self.targets
            ],
            "next_target": (
                {"date": self.next_target.date.isoformat(), "value": self.next_target.value}
                if self.next_target
                else None
            ),
            "projected": [{"date": item["date"].isoformat(), "value": _four(item["value"])} for item in self.projected],
            "eta": iso(self.eta),
            "needed_per_month": _four(self.needed_per_month),
            "due": iso(metric.due),
            "done_date": iso(self.done_date),
            "project": metric.project,
            "package": metric.package,
            "source": metric.source.model_dump(by_alias=True) if metric.source else None,
            "explanation": self.explanation(lang),
        }


def _four(value: float | None) -> float | int | None:
    """A number in the JSON contract: four decimals, whole numbers as integers."""
    return None if value is None else as_number(value, 4)


def meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "increase" else value <= target


def _classify(pace: float, thresholds: Thresholds) -> str:
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

    A year with targets of its own uses the first one not yet past (else its last); a year without
    carries the latest earlier target on to the same day of its year; a year before every target
    uses the first target, so early years are judged by the same yardstick.
    """
    own = [target for target in targets if target.date.year == year]
    if own:
        upcoming = [target for target in own if as_of is None or target.date >= as_of]
        return upcoming[0] if upcoming else own[-1]
    earlier = [target for target in targets if target.date.year < year]
    source = earlier[-1] if earlier else targets[0]
    day = min(source.date.day, 28) if source.date.month == 2 else source.date.day
    return DatedValue(date=dt.date(year, source.date.month, day), value=source.value)


def expected_year_to_date(target: DatedValue, when: dt.date) -> float:
    start = dt.date(when.year, 1, 1)
    span = (target.date - start).days
    if span <= 0 or when >= target.date:
        return target.value
    return target.value * (when - start).days / span


# --- evaluation ----------------------------------------------------------------------------------


def evaluate(metric: Metric, series: Series, as_of: dt.date, thresholds: Thresholds | None = None) -> MetricStatus:
    """Judge one metric at ``as_of`` from its series; the only place a status is decided."""
    thresholds = thresholds or Thresholds()
    cut = int(np.searchsorted(series.dates, np.datetime64(as_of), side="right"))
    dates, values = series.dates[:cut], series.values[:cut]
    if metric.kind == "milestone":
        return _evaluate_milestone(metric, dates, values, as_of)
    if metric.aggregation == "year_to_date":
        return _evaluate_year_to_date(metric, series, dates, values, as_of, thresholds)
    return _evaluate_latest(metric, series, dates, values, as_of, thresholds)


def _evaluate_milestone(metric: Metric, dates: np.ndarray, values: np.ndarray, as_of: dt.date) -> MetricStatus:
    done = dates[values >= 1]
    done_date = done[0].astype(dt.date) if len(done) else None
    due = metric.due_date
    if done_date is not None:
        status = "reached"
    elif as_of <= due:
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


def _target_results(metric: Metric, dates: np.ndarray, values: np.ndarray, as_of: dt.date) -> list[TargetResult]:
    results = []
    for target in metric.targets:
        if target.date > as_of:
            results.append(TargetResult(target.date, target.value))
            continue
        if metric.aggregation == "year_to_date":
            judged = (
                _year_sum(dates, values, target.date) if len(dates) and dates[0] <= np.datetime64(target.date) else None
            )
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
    targets = _target_results(metric, dates, values, as_of)
    upcoming = [target for target in targets if target.date >= as_of]
    next_target = upcoming[0] if upcoming else targets[-1]
    if len(dates) == 0:
        return MetricStatus(
            metric, as_of, "no_data", baseline=metric.baseline, targets=targets, next_target=next_target
        )
    value = float(values[-1])
    # A register count holds until it changes, so its value is as of T itself, never "stale".
    value_date = as_of if series.stepwise else dates[-1].astype(dt.date)
    baseline = metric.baseline or DatedValue(date=dates[0].astype(dt.date), value=float(values[0]))
    expected = expected_latest(baseline, metric.targets, value_date)
    result = MetricStatus(
        metric,
        as_of,
        "no_data",
        value=value,
        value_date=value_date,
        expected=expected,
        baseline=baseline,
        targets=targets,
        next_target=next_target,
        stale=_is_stale(metric, value_date, as_of, series.stepwise),
        observations=len(dates),
    )
    denominator = expected - baseline.value
    if meets(value, next_target.value, metric.direction):
        result.status = "reached"
    if denominator != 0:
        result.pace = (value - baseline.value) / denominator
    if result.status != "reached":
        if result.pace is None:
            result.status = "on_track" if meets(value, baseline.value, metric.direction) else "moving_away"
        else:
            result.status = _classify(result.pace, thresholds)
    _add_forecast(result, dates, values, as_of, value_date, list(metric.targets))
    return result


def _evaluate_year_to_date(
    metric: Metric, series: Series, dates: np.ndarray, values: np.ndarray, as_of: dt.date, thresholds: Thresholds
) -> MetricStatus:
    targets = _target_results(metric, dates, values, as_of)
    goal = year_target(metric.targets, as_of.year, as_of)
    next_target = TargetResult(goal.date, goal.value)
    if len(dates) == 0 and not series.stepwise:
        return MetricStatus(
            metric,
            as_of,
            "no_data",
            targets=targets,
            next_target=next_target,
            baseline=DatedValue(date=dt.date(as_of.year, 1, 1), value=0.0),
        )
    value = _year_sum(dates, values, as_of)
    value_date = as_of if series.stepwise or len(dates) == 0 else dates[-1].astype(dt.date)
    expected = expected_year_to_date(goal, as_of)
    baseline = DatedValue(date=dt.date(as_of.year, 1, 1), value=0.0)
    result = MetricStatus(
        metric,
        as_of,
        "no_data",
        value=value,
        value_date=value_date,
        expected=expected,
        baseline=baseline,
        targets=targets,
        next_target=next_target,
        stale=_is_stale(metric, value_date, as_of, series.stepwise),
        observations=len(dates),
    )
    if expected != 0:
        result.pace = value / expected
    if meets(value, goal.value, metric.direction):
        result.status = "reached"
    elif result.pace is None:
        result.status = "on_track" if meets(value, 0.0, metric.direction) else "moving_away"
    else:
        result.status = _classify(result.pace, thresholds)
    # The trend of a yearly count is the running total of this year, from 0 on 1 January.
    start = np.datetime64(dt.date(as_of.year, 1, 1))
    in_year = dates >= start
    running_dates = np.concatenate(([start], dates[in_year])).astype("datetime64[D]")
    running_values = np.concatenate(([0.0], np.cumsum(values[in_year])))
    _add_forecast(result, running_dates, running_values, as_of, as_of, [goal])
    return result


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
        if result.status != "reached":
            result.eta = trend.reaches(next_target.value, metric.direction, as_of)
    if result.status == "reached":
        result.needed_per_month = 0.0
    elif next_target.date > value_date and result.value is not None:
        months = (next_target.date - value_date).days / DAYS_PER_MONTH
        result.needed_per_month = (next_target.value - result.value) / months


def evaluate_all(config: Config, series_by_metric: dict[str, Series], as_of: dt.date) -> list[MetricStatus]:
    """Every metric of the configuration at ``as_of``, in the order of ``targets.yaml``."""
    empty = Series.empty()
    return [
        evaluate(metric, series_by_metric.get(metric.id, empty), as_of, config.status_thresholds)
        for metric in config.metrics
    ]


def count_by_status(statuses: list[MetricStatus]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for item in statuses:
        counts[item.status] += 1
    return counts
