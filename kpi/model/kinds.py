"""The kinds of goal, defined once: what each one needs in targets.yaml and how it is treated.

``kind:`` in targets.yaml is one of three (docs/targets.md):

* ``metric``: a number judged against dated targets along an expected path from its baseline;
* ``milestone``: done or not, by a due date (a row with value 1 says done);
* ``direction``: "more …" without a number, judged by its yearly growth since the baseline in
  Eurostat's bands, met at its due date when above the baseline.

Every layer asks the kind (``metric.kind_of``) instead of comparing its code: whether it has dated
targets (target columns, progress bars, the expected path), whether its value is done or not (a
done date instead of a value, no value changes), whether it has one due date. The rule dispatches
on the code in one table (:data:`kpi.judge.rules.JUDGES`); adding a kind is a :class:`MetricKind`
here, its judge there and its words in the translation table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

MetricKindCode = Literal["metric", "milestone", "direction"]


class _Dated(Protocol):
    @property
    def date(self) -> dt.date: ...


class _Goal(Protocol):
    """What a kind checks of a goal (a :class:`kpi.model.targets.Metric`, which reads this module)."""

    @property
    def due(self) -> dt.date | None: ...
    @property
    def targets(self) -> Sequence[_Dated]: ...
    @property
    def baseline(self) -> _Dated | None: ...
    @property
    def aggregation(self) -> str: ...


@dataclass(frozen=True)
class MetricKind:
    code: MetricKindCode
    # Judged against dated targets along an expected path: target columns per horizon year, a
    # progress bar from the baseline, a chart of the expected path, a pace.
    has_targets: bool
    # Its value is done (1) or not: shown as its done date ("Klart"), never as a number that moves.
    done_or_not: bool
    # One due date (``due:``) instead of targets.
    has_due: bool
    # Judged by its compound yearly growth since the baseline (Eurostat's bands).
    by_growth: bool = False

    def problems(self, metric: _Goal) -> list[str]:
        """What ``metric`` lacks or has too much of for this kind (validation messages, in English)."""
        found: list[str] = []
        if self.code == "milestone":
            if metric.due is None:
                found.append("a milestone needs a due date (due: YYYY-MM-DD)")
            if metric.targets:
                found.append("a milestone has a due date, not targets")
        elif self.code == "direction":
            if metric.baseline is None or metric.due is None:
                found.append("a direction goal needs a baseline and a due date (baseline:, due:)")
            if metric.targets:
                found.append("a direction goal has a baseline and a due date, not targets")
            if metric.aggregation != "latest":
                found.append("a direction goal is judged on its latest value (aggregation: latest)")
            if metric.baseline is not None and metric.due is not None and metric.baseline.date >= metric.due:
                found.append("the baseline must be dated before the due date")
        else:
            if not metric.targets:
                found.append("a metric needs at least one target (targets: [{date, value}])")
            first: dt.date | None = metric.targets[0].date if metric.targets else None
            if (
                metric.baseline
                and metric.aggregation == "latest"
                and first is not None
                and metric.baseline.date >= first
            ):
                found.append("the baseline must be dated before the first target")
        return found


KINDS: dict[str, MetricKind] = {
    kind.code: kind
    for kind in (
        MetricKind("metric", has_targets=True, done_or_not=False, has_due=False),
        MetricKind("milestone", has_targets=False, done_or_not=True, has_due=True),
        MetricKind("direction", has_targets=False, done_or_not=False, has_due=True, by_growth=True),
    )
}
