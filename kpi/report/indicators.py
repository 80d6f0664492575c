"""A project's indicators as its funder counts them: per indicator the application's target, what
was achieved in the report's period and in total by its end, and the counted items as evidence
(which pilot, which organisation, which date).

An indicator is counted from a register (``count:`` in targets.yaml: the project's rows, narrowed
by ``where``, or the distinct values of one column, each counted in the period it first appears)
or read from a goal's observations (``metric:``: the value at the period's end, and its change
over the period). Planned activities that have not taken place are not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from kpi.model.registers import register as register_def
from kpi.model.targets import Indicator
from kpi.model.values import as_date, text_or_empty
from kpi.report.content import ReportContent
from kpi.text.i18n import format_number, t

# The column that names a counted row, per register (else the first free-text column).
_LABELS = {"activities": "title", "participants": "organisation"}
# A second column that says more about it.
_DETAILS = {"activities": "package", "participants": "kommun"}


@dataclass(frozen=True)
class Evidence:
    """One counted item: its date, what it is, and a detail (work package, kommun)."""

    day: dt.date | None
    text: str
    detail: str = ""


@dataclass
class IndicatorResult:
    indicator: Indicator
    in_period: float | None
    total: float | None
    evidence: list[Evidence] = field(default_factory=list)

    def share_of_target(self) -> float | None:
        """The total as a share of the target (1.0: met), None without a target or a total."""
        if self.total is None or not self.indicator.target:
            return None
        return self.total / self.indicator.target


def indicator_results(content: ReportContent) -> list[IndicatorResult]:
    """Every indicator of the reported project, in the order of targets.yaml (empty for other scopes)."""
    project = content.project
    if project is None:
        return []
    return [
        _from_register(content, indicator) if indicator.count is not None else _from_metric(content, indicator)
        for indicator in project.indicators
    ]


def register_rows(content: ReportContent, name: str) -> pd.DataFrame | None:
    """The register's rows dated up to the period's end (dates as dates), or None without it."""
    from kpi.read.measures import has_register

    if content.pack is not None or not has_register(content.data, name):
        return None
    date_column = register_def(name).date_column
    end = content.spec.period_to or content.as_of
    cursor = content.data.con.cursor()
    try:
        frame = cursor.execute(
            f'SELECT * FROM {name} WHERE "{date_column}" <= ? ORDER BY "{date_column}", _row', [end]
        ).df()
    finally:
        cursor.close()
    frame[date_column] = [as_date(value) for value in frame[date_column]]
    return frame


def project_rows(content: ReportContent, name: str) -> pd.DataFrame | None:
    """The register's rows of the reported project up to the period's end (held activities only)."""
    frame = register_rows(content, name)
    if frame is None or content.project is None:
        return frame
    if "project" in frame.columns:
        frame = frame[[text_or_empty(value) == content.project.id for value in frame["project"]]]
    if "planned" in frame.columns:
        frame = frame[[text_or_empty(value) != "yes" for value in frame["planned"]]]
    return frame.reset_index(drop=True)


def _from_register(content: ReportContent, indicator: Indicator) -> IndicatorResult:
    count = indicator.count
    assert count is not None
    frame = project_rows(content, count.register_name)
    if frame is None:
        return IndicatorResult(indicator, None, None)
    for column, wanted in count.where.items():
        frame = frame[[text_or_empty(value) == wanted for value in frame[column]]]
    date_column = register_def(count.register_name).date_column or "date"
    if count.distinct:
        # Each value once, on the first day it appears: an organisation taking part twice is one.
        frame = frame[[bool(text_or_empty(value)) for value in frame[count.distinct]]]
        frame = frame.drop_duplicates(subset=[count.distinct], keep="first")
    in_period = frame[[content.in_period(day) for day in frame[date_column]]]
    label = _LABELS.get(count.register_name, count.distinct or date_column)
    detail = _DETAILS.get(count.register_name)
    # A work package by its name, not its id.
    names = (
        {package.id: package.name.get(content.lang) for package in content.project.packages} if content.project else {}
    )
    evidence = []
    for _, record in in_period.iterrows():
        extra = text_or_empty(record[detail]) if detail else ""
        evidence.append(Evidence(record[date_column], text_or_empty(record[label]), names.get(extra, extra)))
    return IndicatorResult(indicator, float(len(in_period)), float(len(frame)), evidence)


def _from_metric(content: ReportContent, indicator: Indicator) -> IndicatorResult:
    assert indicator.metric is not None
    frame = content.all_observations(indicator.metric)
    if frame.empty:
        return IndicatorResult(indicator, 0.0, 0.0)
    start, end = content.spec.period_from, content.spec.period_to or content.as_of
    before = [float(v) for day, v in zip(frame["date"], frame["value"]) if start is not None and day < start]
    upto = [float(v) for day, v in zip(frame["date"], frame["value"]) if day <= end]
    total = upto[-1] if upto else 0.0
    evidence = [
        Evidence(
            day, format_number(float(value), content.lang, 0), text_or_empty(note) if content.spec.member_level else ""
        )
        for day, value, note in zip(frame["date"], frame["value"], frame["note"])
        if content.in_period(day)
    ]
    return IndicatorResult(indicator, total - (before[-1] if before else 0.0), total, evidence)


def indicator_rows(content: ReportContent) -> tuple[list[str], list[list[str]]]:
    """The indicator table: code, name, target, achieved in the period, in total, share of target."""
    lang = content.lang
    header = [
        t("funders.col_code", lang),
        t("funders.col_indicator", lang),
        t("funders.col_target", lang),
        t("funders.col_in_period", lang),
        t("funders.col_total", lang),
    ]
    rows = []
    for result in indicator_results(content):
        indicator = result.indicator
        unit = f" {indicator.unit.get(lang)}" if indicator.unit else ""
        rows.append(
            [
                indicator.code,
                indicator.name.get(lang),
                format_number(indicator.target, lang, 0) + unit,
                "–" if result.in_period is None else format_number(result.in_period, lang, 0),
                "–" if result.total is None else format_number(result.total, lang, 0),
            ]
        )
    return header, rows


def evidence_lines(result: IndicatorResult, lang: str) -> list[str]:
    """The counted items of the period in words: "2025-03-12 – Pilot: lokal mat i skolkök (fa2)"."""
    lines = []
    for item in result.evidence:
        day = item.day.isoformat() if item.day else "–"
        detail = f" ({item.detail})" if item.detail else ""
        lines.append(f"{day} – {item.text}{detail}")
    return lines or [t("funders.no_evidence", lang)]


def participants_in_period(content: ReportContent) -> pd.DataFrame | None:
    """The reported project's participant rows dated in the period (None without the register)."""
    frame = project_rows(content, "participants")
    if frame is None:
        return None
    return frame[[content.in_period(day) for day in frame["date"]]].reset_index(drop=True)


def participant_lines(content: ReportContent) -> list[str]:
    """How the target group was reached: organisations taking part in the period, each counted
    once, by kind of organisation and by kommun ("14 organisationer: företag 10, kommun 4")."""
    frame = participants_in_period(content)
    if frame is None or frame.empty:
        return []
    lang = content.lang
    keys = [
        text_or_empty(number) or text_or_empty(name) for number, name in zip(frame["org_number"], frame["organisation"])
    ]
    unique = frame.assign(_key=keys).drop_duplicates(subset=["_key"], keep="first")

    def counted(column: str) -> str:
        counts = unique[column].map(text_or_empty).replace("", "–").value_counts()
        ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        return ", ".join(f"{name} {format_number(float(count), lang, 0)}" for name, count in ordered)

    return [
        t("funders.participants_by_kind", lang, count=len(unique), kinds=counted("org_kind")),
        t("funders.participants_by_kommun", lang, kommuner=counted("kommun")),
    ]


PARTICIPANT_COLUMNS = ("organisation", "org_number", "email", "kommun", "org_kind", "activity", "date")


def participant_list(content: ReportContent) -> tuple[list[str], list[list[str]]]:
    """The funder's participant list ("deltagarlista") for the period: one row per organisation
    and activity, with the organisation's name, number and e-mail first."""
    lang = content.lang
    definition = register_def("participants")
    # An e-mail address names a person: only in a report for those who may see member data.
    columns = [name for name in PARTICIPANT_COLUMNS if content.spec.member_level or name != "email"]
    header = []
    for name in columns:
        label = definition.column(name).label
        header.append(label.get(lang) if label else name)
    frame = participants_in_period(content)
    if frame is None:
        return header, []
    rows = []
    for _, record in frame.iterrows():
        rows.append(
            [
                record[name].isoformat() if name == "date" and record[name] else text_or_empty(record[name])
                for name in columns
            ]
        )
    rows.sort(key=lambda row: (row[0].casefold(), row[-1], row[-2]))
    return header, rows
