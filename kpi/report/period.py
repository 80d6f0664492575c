"""A report's period: the milestones due or done in it, each goal's value at its start and end, the
activities held, the goals furthest behind, the data files the numbers come from, and a project's
reporting periods to choose from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from kpi.judge.rules import MetricStatus
from kpi.model.status import status
from kpi.model.targets import Config
from kpi.model.values import as_date, text_or_empty
from kpi.read.vocab import ACTIVITY_TYPES
from kpi.report.content import REPORT_STATES, ReportContent, number_text, report_state
from kpi.show.status import status_label
from kpi.text.i18n import format_number, t

# --- the period: milestones, values at start and end, activities, sources -------------------------


def behind_most(statuses: list[MetricStatus], count: int = 3) -> list[MetricStatus]:
    """The goals furthest behind: moving away, then off track, then at risk; slowest pace first."""
    # How far behind a status is comes from the status table; then the slowest pace first.
    behind = [item for item in statuses if status(item.status).behind is not None]
    return sorted(behind, key=lambda item: (status(item.status).behind, item.pace if item.pace is not None else 0.0))[
        :count
    ]


def period_value_rows(content: ReportContent) -> tuple[list[str], list[list[str]]]:
    """Each metric's value at the period's start and end and the change (milestones excluded)."""
    lang = content.lang
    header = [
        t("reports.col_goal", lang),
        t("period.col_start", lang, date=content.spec.period_from.isoformat() if content.spec.period_from else "–"),
        t("period.col_end", lang, date=content.as_of.isoformat()),
        t("period.col_change", lang),
        t("reports.col_status", lang),
    ]
    rows = []
    for item in content.statuses:
        if not item.metric.kind_of.has_targets:
            continue
        before = content.start.get(item.id)
        start_value = before.value if before is not None else None
        change = None if start_value is None or item.value is None else item.value - start_value
        change_text = "–" if change is None else ("+" if change > 0 else "") + number_text(item.metric, change, lang)
        rows.append(
            [
                item.metric.display_name(lang),
                number_text(item.metric, start_value, lang),
                number_text(item.metric, item.value, lang),
                change_text,
                status_label(item.status, lang),
            ]
        )
    return header, rows


def milestone_period_counts(content: ReportContent) -> dict[str, int]:
    """Due in the period (and of those: done, late, open), and done in the period."""
    counts = {"due": 0, "done_in_period": 0, **dict.fromkeys(REPORT_STATES, 0)}
    for item in content.statuses:
        if not item.metric.kind_of.done_or_not:
            continue
        if content.in_period(item.metric.due):
            counts["due"] += 1
            counts[report_state(item, content.final)] += 1
        if item.done_date is not None and item.done_date <= content.as_of and content.in_period(item.done_date):
            counts["done_in_period"] += 1
    return counts


def milestone_summary_line(content: ReportContent) -> str:
    counts = milestone_period_counts(content)
    if not counts["due"] and not counts["done_in_period"]:
        return ""
    if content.final:
        return t("funders.milestones_line_final", content.lang, **counts)
    return t("period.milestones_line", content.lang, **counts)


def shows_activities(content: ReportContent) -> bool:
    """Shown in the reports on all goals, the association's own goals (those without a project),
    a project's (its own, per work package) and the activities area."""
    return content.kind in ("all", "own", "project") or (content.kind == "area" and content.spec.scope == "activities")


def activities_in_period(content: ReportContent) -> pd.DataFrame | None:
    """The activities register's rows dated in the period, or None when there is no register."""
    if content.pack is not None or not shows_activities(content):
        return None
    from kpi.read.measures import has_register

    try:
        if not has_register(content.data, "activities"):
            return None
        cursor = content.data.con.cursor()
        try:
            frame = cursor.execute(
                "SELECT date, type, title, participants, planned, project, package FROM activities "
                "WHERE date BETWEEN ? AND ? ORDER BY date, title",
                [content.spec.period_from or dt.date(1900, 1, 1), content.spec.period_to or content.as_of],
            ).df()
        finally:
            cursor.close()
    except Exception:  # noqa: BLE001 - a register that cannot be read leaves the section out, not the report
        return None
    frame["date"] = [as_date(value) for value in frame["date"]]
    projects = [text_or_empty(value) for value in frame["project"]]
    if content.kind == "project":
        frame = frame[[project == content.spec.scope for project in projects]]
    elif content.kind == "own":
        frame = frame[[not project for project in projects]]
    return frame.reset_index(drop=True)


def activity_summary(content: ReportContent) -> tuple[str, list[str], list[list[str]]]:
    """A line (held against planned, participants) and the table of activities in the period."""
    lang = content.lang
    frame = activities_in_period(content)
    if frame is None or frame.empty:
        return "", [], []
    held_mask = [text_or_empty(value).strip().lower() != "yes" for value in frame["planned"]]
    held = frame[held_mask]
    participants = pd.to_numeric(held["participants"], errors="coerce").fillna(0).sum()
    line = t(
        "period.activities_line",
        lang,
        held=len(held),
        planned=len(frame) - len(held),
        participants=format_number(float(participants), lang, 0),
    )
    packages = {}
    if content.project is not None:
        packages = {package.id: package.name.get(lang) for package in content.project.packages}
        # Per work package, in the project's order, then by date.
        order = {package_id: index for index, package_id in enumerate(packages)}
        frame = frame.assign(
            _order=[order.get(text_or_empty(value), len(order)) for value in frame["package"]]
        ).sort_values(["_order", "date", "title"], kind="stable")
        held_mask = [text_or_empty(value).strip().lower() != "yes" for value in frame["planned"]]
    header = [
        t("reports.col_date", lang),
        t("period.col_activity", lang),
        t("period.col_package", lang) if content.project is not None else t("period.col_type", lang),
        t("period.col_participants", lang),
        t("period.col_held", lang),
    ]
    rows = []
    for (_, record), was_held in zip(frame.iterrows(), held_mask):
        number = pd.to_numeric(pd.Series([record["participants"]]), errors="coerce").iloc[0]
        kind = text_or_empty(record["type"])
        package = text_or_empty(record["package"])
        rows.append(
            [
                record["date"].isoformat() if record["date"] else "–",
                text_or_empty(record["title"]),
                packages.get(package, package or "–")
                if content.project is not None
                else (t("period.activity_type." + kind, lang) if kind in ACTIVITY_TYPES else kind),
                "–" if pd.isna(number) else format_number(float(number), lang, 0),
                t("period.held" if was_held else "period.planned", lang),
            ]
        )
    return line, header, rows


def used_files(content: ReportContent) -> set[str]:
    """Labels of the data files the scope's numbers come from: metric files holding one of its
    observations, register files one of its metrics is counted from, and the activities shown."""
    labels: set[str] = set()
    registers = {item.metric.source.register_name for item in content.statuses if item.metric.source is not None}
    if activities_in_period(content) is not None:
        registers.add("activities")
    if content.project is not None:
        registers |= {indicator.count.register_name for indicator in content.project.indicators if indicator.count}
        registers.add("participants")
    for item in content.statuses:
        frame = content.all_observations(item.id)
        if not frame.empty:
            labels |= {text_or_empty(name) for name in frame["file"] if text_or_empty(name)}
    for info in content.data.files:
        if info.kind != "metrics" and info.kind in registers:
            labels.add(info.label)
    return labels


@dataclass(frozen=True)
class ReportingPeriod:
    """A period a funder asks a report for: the whole project, one period of the funding decision
    (numbered, with its due date) or, for a project without them, one half-year."""

    start: dt.date
    end: dt.date
    label: str
    number: int | None = None
    due: dt.date | None = None


def decision_period_label(number: int, start: dt.date, end: dt.date, due: dt.date | None, lang: str) -> str:
    """The period in words: "Rapport 3: 2025-07-01 – 2025-12-31, ska in 2026-01-31"."""
    if due is None:
        return t("funders.period_label", lang, number=number, start=start.isoformat(), end=end.isoformat())
    return t(
        "funders.period_label_due",
        lang,
        number=number,
        start=start.isoformat(),
        end=end.isoformat(),
        due=due.isoformat(),
    )


def reporting_periods(config: Config, project_id: str, today: dt.date, lang: str) -> list[ReportingPeriod]:
    """The whole project, then the periods of the funding decision (newest first) that have begun
    by ``today``; a project whose decision lists none gets its half-years instead.

    The periods and due dates are the funder's (``reporting_periods`` in targets.yaml): a
    payment claim to Tillväxtverket or a progress report in Interreg's system covers exactly
    them. A half-year is cut to the project's own start and end.
    """
    project = config.project(project_id)
    if project.start is None:
        return []
    end = project.end or today
    periods = [
        ReportingPeriod(
            project.start,
            end,
            t("period.whole_project", lang, start=project.start.isoformat(), end=end.isoformat()),
        )
    ]
    if project.reporting_periods:
        decided = [
            ReportingPeriod(
                item.start,
                item.end,
                decision_period_label(item.number, item.start, item.end, item.due, lang),
                item.number,
                item.due,
            )
            for item in project.reporting_periods
            if item.start <= today
        ]
        return periods + decided[::-1]
    halves = []
    year, half = project.start.year, 1 if project.start.month <= 6 else 2
    while True:
        first = dt.date(year, 1 if half == 1 else 7, 1)
        last = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
        if first > end or first > today:
            break
        start, stop = max(first, project.start), min(last, end)
        halves.append(
            ReportingPeriod(
                start,
                stop,
                t("period.half_year", lang, half=half, year=year, start=start.isoformat(), end=stop.isoformat()),
            )
        )
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return periods + halves[::-1]


def default_period(periods: list[ReportingPeriod], today: dt.date) -> int:
    """Which period the Reports page offers first: the whole project once it has ended (the
    final report), else the newest half-year that has ended (the progress report due)."""
    if not periods or periods[0].end < today:
        return 0
    for index, period in enumerate(periods[1:], start=1):
        if period.end < today:
            return index
    return 0


def next_due_report(config: Config, project_id: str, today: dt.date) -> tuple[int, dt.date, dt.date, dt.date] | None:
    """The decision's next report not yet due by ``today``: ``(number, start, end, due)``, or None."""
    for item in config.project(project_id).reporting_periods:
        if item.due is not None and item.due >= today:
            return item.number, item.start, item.end, item.due
    return None


def milestone_notes(content: ReportContent) -> dict[str, tuple[str, str]]:
    """Per milestone goal read from the milestones register (``where: {id: …}``): its evidence
    note (marked "in Swedish" in an English report) and its deviation comment."""
    from kpi.read.measures import has_register
    from kpi.show.registers import milestone_evidence

    if content.pack is not None or not has_register(content.data, "milestones"):
        return {}
    wanted = {}
    for item in content.statuses:
        source = item.metric.source
        if source is not None and source.register_name == "milestones" and isinstance(source.where.get("id"), str):
            wanted[str(source.where["id"])] = item.id
    if not wanted:
        return {}
    cursor = content.data.con.cursor()
    try:
        frame = cursor.execute("SELECT id, evidence, deviation FROM milestones WHERE id IS NOT NULL").df()
    finally:
        cursor.close()
    notes = {}
    for milestone_id, evidence, deviation in zip(frame["id"], frame["evidence"], frame["deviation"]):
        if milestone_id in wanted:
            notes[wanted[milestone_id]] = (
                milestone_evidence(evidence, None, content.lang),
                text_or_empty(deviation),
            )
    return notes
