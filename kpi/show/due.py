"""What is due: each typed-in goal's next value, whose it is, by when, and the export to fetch.

A value is due when its cadence's period has ended since the last one (a monthly goal with its
last value on 31 October awaits 30 November's), and overdue after :data:`DUE_DAYS` more days (a
monthly value by the 10th of the next month). Goals computed from a register, sums of parts and
milestones are not typed in and are never due here. ``kpi due``, the Data page's "Att uppdatera"
and ``kpi remind`` all read :func:`due_items`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kpi.model.dataset import Dataset
from kpi.model.targets import Metric
from kpi.text.i18n import format_date, t
from kpi.write.sources import ImportFormat, format_for

DUE_DAYS = 10  # days after a period's end by which its value is due (monthly: the 10th)
_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def period_end(day: dt.date, cadence: str) -> dt.date:
    """The last day of the month, quarter or year ``day`` is in."""
    months = _MONTHS[cadence]
    last_month = ((day.month - 1) // months + 1) * months
    following = dt.date(day.year + (last_month == 12), last_month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def period_start(day: dt.date, cadence: str) -> dt.date:
    months = _MONTHS[cadence]
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


@dataclass(frozen=True)
class Due:
    """One goal's awaited value: the period it is for, by when, whose, and how to get it."""

    metric: Metric
    last: dt.date | None
    period: dt.date
    due: dt.date
    overdue: bool
    export: ImportFormat | None

    @property
    def owner(self) -> str | None:
        return self.metric.owner

    def record(self, lang: str) -> dict[str, Any]:
        """A JSON-ready row (``kpi due --format json``)."""
        return {
            "metric": self.metric.id,
            "name": self.metric.name.get(lang),
            "owner": self.owner,
            "last": None if self.last is None else self.last.isoformat(),
            "period": self.period.isoformat(),
            "due": self.due.isoformat(),
            "overdue": self.overdue,
            "export": None if self.export is None else self.export.name,
            "fetch": self.how(lang),
        }

    def line(self, lang: str) -> str:
        """``Följare på Facebook: värdet för 30 nov. 2026 ska in senast 10 dec. 2026 — anna@… . Meta …``"""
        return t(
            "due.line",
            lang,
            name=self.metric.name.get(lang),
            period=format_date(self.period, lang),
            due=format_date(self.due, lang),
            late=t("due.late", lang) if self.overdue else "",
            owner=self.owner or t("due.no_owner", lang),
            how=self.how(lang),
        )

    def how(self, lang: str) -> str:
        return self.export.fetch(lang) if self.export is not None else t("due.typed", lang)


def typed_in(metric: Metric) -> bool:
    """Whether staff type or import this goal's values (not a register's count, a sum or a milestone)."""
    return metric.source is None and not metric.parts and not metric.kind_of.done_or_not


def due_items(dataset: Dataset, today: dt.date) -> list[Due]:
    """Every typed-in goal whose next value's period has ended by ``today``, the most overdue first."""
    items = []
    for metric in dataset.config.metrics:
        if not typed_in(metric):
            continue
        series = dataset.series.get(metric.id)
        last = None
        if series is not None and len(series):
            last = dt.date.fromisoformat(str(series.dates[-1]))
        if last is not None:
            end = period_end(last, metric.cadence)
            period = end if last < end else period_end(end + dt.timedelta(days=1), metric.cadence)
        else:  # never given: the last period that has ended
            period = period_end(today, metric.cadence)
            if period >= today:
                period = period_end(period_start(today, metric.cadence) - dt.timedelta(days=1), metric.cadence)
        if period >= today:
            continue
        deadline = period + dt.timedelta(days=DUE_DAYS)
        items.append(Due(metric, last, period, deadline, today > deadline, format_for(metric.id)))
    return sorted(items, key=lambda item: (item.due, item.metric.id))
