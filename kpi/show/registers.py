"""Registers as people read them: listings with headers and codes in their language, and
"which ones?" — the rows behind each register-based number, with the measure's definition.

The numbers come from :mod:`kpi.read.registers` (one SQL definition of each measure); this module
only words and formats them, the same way on a page and in a report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi.judge.rules import year_target
from kpi.model.dataset import Dataset
from kpi.model.registers import REGISTERS
from kpi.model.targets import Metric
from kpi.model.values import is_missing
from kpi.read.measures import MEASURES, has_register, rows_behind, where_value
from kpi.read.vocab import FLAG_COLUMNS, WINDOW_DAYS
from kpi.show.listings import package_name, project_name, register_metrics
from kpi.text.i18n import format_number, has_key, plural, t


def attendance_goal(dataset: Dataset, as_of: dt.date) -> float | None:
    """The attendance target for ``as_of``'s year, from the first metric measuring attendance
    (drawn as a line on the attendance chart, whatever area the metric is in)."""
    for metric in dataset.config.metrics:
        source = metric.source
        measures = (("activities", "attendance_pct"), ("activities", "year_attendance_pct"))
        if source and (source.register_name, source.measure) in measures and metric.targets:
            return year_target(metric.targets, as_of.year, as_of).value
    return None


# --- display --------------------------------------------------------------------------------------

_TRANSLATED_VALUES = {
    "category": "registers.category.",
    "leave_reason": "registers.leave_reason.",
    "type": "registers.type.",
    "status": "registers.status.",
    "state": "registers.state.",
    "change": "registers.change.",
}
_YES_NO_COLUMNS = {"planned", "active", "counted", "natural"}
_PERCENT_COLUMNS = {"attendance_pct", "done_pct", "overdue_pct"}


def display_table(
    frame: pd.DataFrame, lang: str, dataset: Dataset | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """A listing ready to show: headers and codes in ``lang``, dates ISO, numbers formatted as text.

    Everything becomes text so a table shows "7 100" and "45,5 %" exactly as elsewhere in the app.
    Project and package ids become their names when ``dataset`` is given.
    """
    full = frame
    if columns is not None:
        frame = frame[[column for column in columns if column in frame.columns]]
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in _TRANSLATED_VALUES:
            prefix = _TRANSLATED_VALUES[column]
            texts = [_translate(prefix, v, lang) for v in values]
        elif column in _YES_NO_COLUMNS:
            texts = [_yes_no_text(v, lang) for v in values]
        elif column in ("uses_member_pages", "increased_profitability"):
            texts = [_yes_no_text(v, lang) if v in ("yes", "no") else ("" if is_missing(v) else str(v)) for v in values]
        elif column in _PERCENT_COLUMNS:
            texts = ["" if is_missing(v) else format_number(float(v), lang, 1) + " %" for v in values]
        elif column == "project" and dataset is not None:
            texts = [project_name(dataset, v, lang) for v in values]
        elif column == "milestone":
            texts = [milestone_name(dataset, v, lang) for v in values]
        elif column == "evidence":
            english = full["evidence_en"] if "evidence_en" in full.columns else [None] * len(frame)
            texts = [milestone_evidence(v, e, lang) for v, e in zip(values, english)]
        elif column == "package":
            totals = full["total"] if "total" in full.columns else [False] * len(frame)
            projects = full["project"] if "project" in full.columns else [None] * len(frame)
            texts = [
                t("registers.col.total", lang)
                if total is True or total is np.True_
                else ""
                if is_missing(v)
                else package_name(dataset, p, v, lang)
                if dataset is not None
                else str(v)
                for p, v, total in zip(projects, values, totals)
            ]
        else:
            texts = [_plain_text(v, lang) for v in values]
        out[_header(column, lang)] = pd.Series(texts, index=frame.index, dtype="object")
    return out.reset_index(drop=True)


def milestone_name(dataset: Dataset | None, name: Any, lang: str) -> str:
    """A milestone from milestones.csv in ``lang``: the English name of the goal in targets.yaml
    that has the same Swedish name, else the Swedish text marked "(in Swedish)" so the fallback is visible."""
    if is_missing(name):
        return ""
    text = str(name)
    if lang == "sv" or dataset is None:
        return text
    for metric in dataset.config.metrics:
        if metric.kind_of.done_or_not and metric.name.sv == text and metric.name.en:
            return metric.name.en
    return f"{text} {t('registers.in_swedish', lang)}"


def milestone_evidence(row_evidence: Any, english: Any, lang: str) -> str:
    """A milestone's evidence in ``lang``: ``evidence_en`` where the file has it, else the Swedish
    text marked "(in Swedish)" in the English view, as the milestone names are."""
    if is_missing(row_evidence) and is_missing(english):
        return ""
    if lang == "sv":
        return "" if is_missing(row_evidence) else str(row_evidence)
    if not is_missing(english) and str(english).strip():
        return str(english)
    return f"{row_evidence} {t('registers.in_swedish', lang)}"


def _translate(prefix: str, value: Any, lang: str) -> str:
    if is_missing(value):
        return ""
    key = prefix + str(value)
    return t(key, lang) if has_key(key) else str(value)  # a value without a word is shown as it is


def _yes_no_text(value: Any, lang: str) -> str:
    if is_missing(value):
        return ""
    truthy = value is True or value == "yes" or (isinstance(value, (np.bool_,)) and bool(value))
    return t("registers.yes" if truthy else "registers.no", lang)


def _plain_text(value: Any, lang: str) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return format_number(int(value), lang)
    if isinstance(value, (float, np.floating)):
        return format_number(float(value), lang)
    return str(value)


def _header(column: str, lang: str) -> str:
    key = "registers.col." + column
    if has_key(key):
        return t(key, lang)
    for register in REGISTERS.values():  # a column named by its register's own definition
        for item in register.columns:
            if item.name == column and item.label is not None:
                return item.label.get(lang)
    return column


# --- "which ones?": the rows behind each register-based number, ready for a page or a report ----


@dataclass(frozen=True)
class BehindTable:
    """One metric's rows behind its value on a date, with a heading and the measure's definition."""

    metric_id: str
    title: str
    definition: str
    rows: pd.DataFrame  # as :func:`rows_behind` returns them
    table: pd.DataFrame  # the same, formatted by :func:`display_table`


def register_title(name: str, lang: str) -> str:
    """ "medlemsregistret" / "the member register": a register as people name it, never its code."""
    key = "meeting.register." + name
    if has_key(key):
        return t(key, lang)
    register = REGISTERS.get(name)
    return register.title.get(lang) if register is not None and register.title is not None else name


def measure_definition(metric: Metric, lang: str) -> str:
    """The measure's exact definition in words, with the metric's filter: shown under "which ones?"."""
    source = metric.source
    if source is None or (source.register_name, source.measure) not in MEASURES:
        return ""
    flag = t("registers.col." + source.flag, lang) if source.flag in FLAG_COLUMNS else ""
    window = source.window_days or WINDOW_DAYS
    key = f"registers.measure.{source.register_name}.{source.measure}"
    if has_key(key):
        text = t(key, lang, flag=flag, window=window)
    elif source.measure.startswith("sum_"):  # a generic measure of a register that dates its rows
        column = source.measure.removeprefix("sum_")
        text = t(
            "registers.measure.generic.sum",
            lang,
            column=_header(column, lang).lower(),
            register=register_title(source.register_name, lang),
        )
    else:
        text = t("registers.measure.generic.count", lang, register=register_title(source.register_name, lang))
    if source.where:
        register = REGISTERS[source.register_name]
        parts = []
        for column, values in source.where.items():
            values = [values] if isinstance(values, str) else values
            shown = []
            for value in values:
                normalised = where_value(register, column, value) if column in register.filters else value
                prefix = _TRANSLATED_VALUES.get(column)
                if column == "id" and normalised == metric.id:  # a milestone's own row: its name, not its id
                    shown.append(f"”{metric.display_name(lang)}”" if lang == "sv" else f"“{metric.display_name(lang)}”")
                    continue
                shown.append(
                    _translate(prefix, normalised, lang)
                    if prefix
                    else _yes_no_text(normalised, lang)
                    if column in _YES_NO_COLUMNS
                    else str(normalised)
                )
            header = _header("milestone" if column == "id" else column, lang).lower()
            parts.append(f"{header} = {' / '.join(shown)}")
        text += " " + t("registers.where", lang, filters="; ".join(parts))
    return text


def behind_table(dataset: Dataset, metric_id: str, as_of: dt.date, lang: str) -> BehindTable | None:
    """The rows behind one register-based metric on ``as_of`` (``None`` for other metrics or when
    its register is missing): for the metric's detail page and the reports."""
    metric = dataset.config.metric(metric_id)
    if metric.source is None or not has_register(dataset, metric.source.register_name):
        return None
    rows = rows_behind(dataset, metric.id, as_of)
    columns = [
        column.replace("{flag}", metric.source.flag or "")
        for column in (REGISTERS[metric.source.register_name].shown or list(rows.columns))
    ]
    title = t(
        "registers.behind_title", lang, name=metric.display_name(lang), rows=plural("meeting.rows", lang, len(rows))
    )
    return BehindTable(
        metric.id, title, measure_definition(metric, lang), rows, display_table(rows, lang, dataset, columns)
    )


def behind_tables(dataset: Dataset, area: str, as_of: dt.date, lang: str) -> list[BehindTable]:
    """For each register-based metric of ``area``: the rows behind its value on ``as_of``."""
    tables = [behind_table(dataset, metric.id, as_of, lang) for metric in register_metrics(dataset, area)]
    return [table for table in tables if table is not None]
