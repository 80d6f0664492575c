"""Reports for funders and the board: one function under the CLI and the app's Rapporter page.

:func:`build_report` turns a loaded :class:`~kpi.read.load.Dataset` (or a saved board pack) into the
bytes of a PDF, an Excel workbook, a CSV status table or a self-contained HTML page. Every number
comes from :func:`kpi.judge.rules.evaluate_all` (so a report says exactly what ``kpi status`` and the
dashboard say), every chart is :func:`kpi.show.charts.metric_figure` rendered to an image, and every
sentence is in the chosen language from the translation table. The format modules
(:mod:`kpi.report.pdf`, :mod:`kpi.report.xlsx`, :mod:`kpi.report.html`) only lay out what
:class:`ReportContent` has prepared here.

Choices, as the coordinator makes them:

* scope: ``all``; the organisation's own goals (metrics without a project), named by
  ``organisation.id`` in targets.yaml (``matkluster`` for Sörmlands Matkluster);
  a project id from targets.yaml (``kismet``, ``strukturell``: the metrics of that project, with
  milestone tables per work package); or an area id;
* period (from, to): which observations appear in tables and charts and which milestones are
  listed (due or done in the period); a project's period defaults to the project's own;
* as-of date: the date every status is judged at (default: the period's end when given, else today);
* a board pack date: the report then shows the numbers frozen in that pack.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi import clock
from kpi.judge.rules import MetricStatus, evaluate_all
from kpi.model.dataset import Dataset, Series
from kpi.model.problems import DataError, Problem, UsageError, errors
from kpi.model.status import status
from kpi.model.targets import Config, Metric
from kpi.model.values import as_date, text_or_empty
from kpi.read.vocab import ACTIVITY_TYPES
from kpi.report.formats import FORMATS
from kpi.show.changes import change_line
from kpi.show.method import method_intro, rule_items
from kpi.show.packs import BoardPack, Change, changes_since, find_pack, latest_pack
from kpi.show.status import status_counts_text, status_label
from kpi.show.views import group_by_area
from kpi.text.i18n import format_date, format_number, normalise_language, t

CSV_DIALECTS = ("default", "excel-sv")
SCOPE_ALL = "all"


# --- the choices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSpec:
    """What to report on; :func:`resolve_spec` fills in the defaults from the data."""

    fmt: str = "pdf"
    as_of: dt.date | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    scope: str = SCOPE_ALL
    lang: str = "sv"
    pack: dt.date | None = None
    csv_dialect: str = "default"
    # The board's comments (and the changes since the last board pack) are board material: a
    # funder's report leaves them out unless the coordinator asks for them. ``None``: only in a
    # report made from a board pack.
    include_comments: bool | None = None
    # Rows about single observations (notes, sources, file and row) may name members. Until
    # sign-in and roles exist (issue 15) the public Reports page asks for aggregates only; the
    # command line, run by staff with the data folder at hand, asks for everything.
    member_level: bool = False

    @property
    def comments_wanted(self) -> bool:
        return bool(self.pack) if self.include_comments is None else self.include_comments


def scope_choices(config: Config) -> list[str]:
    """Every scope a report can have: all, the association's own, each project, each area."""
    choices = [SCOPE_ALL, config.own_scope()]
    choices += [project.id for project in config.projects if project.id not in choices]
    choices += [area for area in config.area_ids() if area not in choices]
    return choices


def scope_kind(config: Config, scope: str) -> str:
    """``all``, ``own`` (the organisation's own goals), ``project`` or ``area``; :class:`DataError`
    for anything else."""
    if scope == SCOPE_ALL:
        return "all"
    if scope == config.own_scope():
        return "own"
    if scope in {project.id for project in config.projects}:
        return "project"
    if scope in config.area_ids():
        return "area"
    raise DataError(
        [
            Problem(
                "--scope", "reports_unknown_scope", params={"scope": scope, "choices": ", ".join(scope_choices(config))}
            )
        ]
    )


def in_scope(config: Config, scope: str, metric: Metric) -> bool:
    kind = scope_kind(config, scope)
    if kind == "all":
        return True
    if kind == "own":
        return metric.project is None
    if kind == "project":
        return metric.project == scope
    return metric.area == scope


def scope_label(config: Config, scope: str, lang: str) -> str:
    """How a scope is named on a title page and in the app's choice list."""
    kind = scope_kind(config, scope)
    if kind == "all":
        return t("reports.scope_all", lang)
    if kind == "own":
        name = config.organisation.name if config.organisation else t("reports.organisation_default", lang)
        return t("reports.scope_own", lang, organisation=name)
    if kind == "project":
        project = config.project(scope)
        return t("reports.scope_project", lang, name=project.name.get(lang))
    return t("reports.scope_area", lang, name=config.area_name(scope, lang))


def resolve_spec(spec: ReportSpec, config: Config, today: dt.date) -> ReportSpec:
    """Fill the defaults: as-of (the pack's date, else the period's end capped at today) and period.

    A project's period defaults to the project's start and end as declared in targets.yaml, so
    the funder's report needs no dates typed. Raises :class:`~kpi.model.problems.UsageError` for an unknown format
    or a period that ends before it starts, :class:`DataError` for an unknown scope.
    """
    if spec.fmt not in FORMATS:
        raise UsageError(
            [Problem("--format", "reports_unknown_format", params={"value": spec.fmt, "choices": ", ".join(FORMATS)})]
        )
    if spec.csv_dialect not in CSV_DIALECTS:
        raise UsageError(
            [
                Problem(
                    "--csv-dialect",
                    "reports_unknown_dialect",
                    params={"value": spec.csv_dialect, "choices": ", ".join(CSV_DIALECTS)},
                )
            ]
        )
    kind = scope_kind(config, spec.scope)
    project = config.project(spec.scope) if kind == "project" else None
    period_from = spec.period_from or (project.start if project else None)
    period_end = spec.period_to or (project.end if project else None)
    # Judged at the period's end: a final report says where the project stood when it closed,
    # not where it stands today; a period still running is judged today.
    as_of = spec.pack or spec.as_of or (min(period_end, today) if period_end else today)
    period_to = period_end or as_of
    if period_from and period_to and period_from > period_to:
        raise UsageError(
            [
                Problem(
                    "--from",
                    "reports_period_reversed",
                    params={"start": period_from.isoformat(), "end": period_to.isoformat()},
                )
            ]
        )
    return dataclasses.replace(
        spec, as_of=as_of, period_from=period_from, period_to=period_to, lang=normalise_language(spec.lang)
    )


# --- what a report holds ----------------------------------------------------------------------------


@dataclass
class ReportContent:
    """Everything a report shows, prepared once; the format modules only lay it out."""

    spec: ReportSpec
    data: Dataset
    statuses: list[MetricStatus]
    made: dt.datetime
    pack: BoardPack | None = None
    previous: BoardPack | None = None
    changes: list[Change] = field(default_factory=list)
    comments: dict[str, str] = field(default_factory=dict)
    start: dict[str, MetricStatus] = field(default_factory=dict)
    _observations: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def config(self) -> Config:
        return self.data.config

    @property
    def as_of(self) -> dt.date:
        """The date every status is judged at (:func:`resolve_spec` always sets it)."""
        return self.spec.as_of or self.made.date()

    @property
    def lang(self) -> str:
        return self.spec.lang

    @property
    def kind(self) -> str:
        return scope_kind(self.config, self.spec.scope)

    @property
    def organisation(self) -> str:
        organisation = self.config.organisation
        return organisation.name if organisation else t("reports.organisation_default", self.lang)

    @property
    def scope_label(self) -> str:
        return scope_label(self.config, self.spec.scope, self.lang)

    @property
    def funder(self) -> str | None:
        if self.kind != "project":
            return None
        return self.config.project(self.spec.scope).funder

    @property
    def project_name(self) -> str | None:
        if self.kind != "project":
            return None
        return self.config.project(self.spec.scope).name.get(self.lang)

    @property
    def title(self) -> str:
        if self.kind == "project":
            return t("period.title_project", self.lang)
        return t("reports.title", self.lang)

    def groups(self) -> list[tuple[str, str, list[MetricStatus]]]:
        """``(area id, area name, statuses)`` in the order of targets.yaml; empty areas left out."""
        return group_by_area(self.config, self.statuses, self.lang)

    def in_period(self, day: dt.date | None) -> bool:
        if day is None:
            return False
        start, end = self.spec.period_from, self.spec.period_to
        return (start is None or day >= start) and (end is None or day <= end)

    def all_observations(self, metric_id: str) -> pd.DataFrame:
        """Every row behind a metric (dates as dates), read once per report."""
        if metric_id not in self._observations:
            frame = self.data.observations(metric_id)
            frame["date"] = [as_date(value) for value in frame["date"]]
            self._observations[metric_id] = frame
        return self._observations[metric_id]

    def observations(self, metric_id: str) -> pd.DataFrame:
        """The rows behind a metric in the period: date (a date), value, note, source, file, row."""
        frame = self.all_observations(metric_id)
        if frame.empty:
            return frame
        keep = [self.in_period(day) for day in frame["date"]]
        return frame[keep].reset_index(drop=True)

    def value_note(self, status: MetricStatus) -> str:
        """The note on the observation a status's value comes from ("Kampanj i maj"), if any; empty
        in an aggregates-only report (a note may name a member)."""
        if not self.spec.member_level:
            return ""
        day = status.done_date if status.metric.kind_of.done_or_not else status.value_date
        frame = self.all_observations(status.id)
        if day is None or frame.empty:
            return ""
        notes = [text_or_empty(note) for when, note in zip(frame["date"], frame["note"]) if when == day]
        return notes[-1] if notes else ""

    def chart_data(self) -> Dataset:
        """The dataset the charts draw: series cut to the period (yearly counts keep their year)."""
        series = {}
        for item in self.statuses:
            whole = self.data.series.get(item.id)
            if whole is None or item.metric.aggregation == "year_to_date" or self.spec.period_from is None:
                if whole is not None:
                    series[item.id] = whole
                continue
            keep = whole.dates >= np.datetime64(self.spec.period_from)
            series[item.id] = Series(whole.dates[keep], whole.values[keep], whole.stepwise)
        return dataclasses.replace(self.data, series=series)

    def package_sections(self) -> list[PackageSection]:
        """For a project: per work package, its milestones due or done in the period (by due date)
        and its other metrics, in the order of targets.yaml; empty packages left out."""
        if self.kind != "project":
            return []
        project = self.config.project(self.spec.scope)
        names = {package.id: package.name.get(self.lang) for package in project.packages}
        sections: dict[str | None, PackageSection] = {
            package_id: PackageSection(package_id, name, [], []) for package_id, name in names.items()
        }
        sections[None] = PackageSection(None, t("reports.no_package", self.lang), [], [])
        for item in self.statuses:
            metric = item.metric
            section = sections[metric.package if metric.package in names else None]
            if not metric.kind_of.done_or_not:
                section.metrics.append(item)
            elif self.in_period(metric.due) or self.in_period(item.done_date):
                section.milestones.append(item)
        for section in sections.values():
            section.milestones.sort(key=lambda item: (item.metric.due_date, item.metric.display_name(self.lang)))
        return [section for section in sections.values() if section.milestones or section.metrics]

    def milestone_groups(self) -> list[tuple[str, list[MetricStatus]]]:
        """For a project: its milestones due or done in the period, per work package."""
        return [(section.name, section.milestones) for section in self.package_sections() if section.milestones]


def gather(dataset: Dataset, spec: ReportSpec) -> ReportContent:
    """Judge every metric in scope at the as-of date (or take them from a pack), judge them again
    at the period's start (for the change over the period), and, when comments are chosen, find
    the previous board pack to show what changed since."""
    pack = find_pack(dataset.data_dir, spec.pack) if spec.pack else None
    source = pack.dataset if pack else dataset
    spec = resolve_spec(spec, source.config, dataset.today)
    config = source.config
    as_of = spec.as_of or dataset.today  # resolve_spec always sets it
    all_statuses = pack.statuses if pack else evaluate_all(config, source.series, as_of)
    statuses = [item for item in all_statuses if in_scope(config, spec.scope, item.metric)]
    start: dict[str, MetricStatus] = {}
    if spec.period_from is not None and spec.period_from <= as_of:
        # The same rule at the period's first day: the value the period started from.
        start = {item.id: item for item in evaluate_all(config, source.series, spec.period_from)}
    wanted = spec.comments_wanted
    previous = latest_pack(dataset.data_dir, before=as_of) if wanted else None
    comments = (pack.comments if pack else _latest_comments(dataset, spec)) if wanted else {}
    content = ReportContent(
        spec=spec,
        data=source,
        statuses=statuses,
        made=clock.now().replace(microsecond=0, tzinfo=None),
        pack=pack,
        previous=previous,
        comments={k: v for k, v in comments.items() if any(s.id == k for s in statuses)},
        start=start,
    )
    if previous is not None:
        content.changes = changes_since(previous, statuses, content.comments, spec.lang)
    return content


def _latest_comments(dataset: Dataset, spec: ReportSpec) -> dict[str, str]:
    """The board's comment per goal from the newest board pack dated in the period."""
    newest = latest_pack(dataset.data_dir, before=(spec.as_of or dataset.today) + dt.timedelta(days=1))
    if newest is None or (spec.period_from is not None and newest.meeting_date < spec.period_from):
        return {}
    return dict(newest.comments)


# --- the period: milestones, values at start and end, activities, sources -------------------------

MILESTONE_STATES = ("done", "late", "open")
_STATE_KEYS = {"done": "registers.status.done", "late": "registers.status.overdue", "open": "registers.status.open"}


def milestone_state(item: MetricStatus) -> str:
    """``done`` (done by the as-of date), ``late`` (due before it and not done) or ``open``."""
    if item.done_date is not None and item.done_date <= item.as_of:
        return "done"
    due = item.metric.due_date
    return "late" if due < item.as_of else "open"


def milestone_state_text(item: MetricStatus, lang: str) -> str:
    """The state in words with its symbol ("✔ Klart", "⚠ Försenat", "○ Pågår"), never colour alone."""
    return t(_STATE_KEYS[milestone_state(item)], lang)


@dataclass
class PackageSection:
    """One work package (or focus area) of a project: its milestones in the period and its metrics."""

    id: str | None
    name: str
    milestones: list[MetricStatus]
    metrics: list[MetricStatus]

    def state_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(MILESTONE_STATES, 0)
        for item in self.milestones:
            counts[milestone_state(item)] += 1
        return counts


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
    counts = {"due": 0, "done_in_period": 0, **dict.fromkeys(MILESTONE_STATES, 0)}
    for item in content.statuses:
        if not item.metric.kind_of.done_or_not:
            continue
        if content.in_period(item.metric.due):
            counts["due"] += 1
            counts[milestone_state(item)] += 1
        if item.done_date is not None and item.done_date <= content.as_of and content.in_period(item.done_date):
            counts["done_in_period"] += 1
    return counts


def milestone_summary_line(content: ReportContent) -> str:
    counts = milestone_period_counts(content)
    if not counts["due"] and not counts["done_in_period"]:
        return ""
    return t("period.milestones_line", content.lang, **counts)


def shows_activities(content: ReportContent) -> bool:
    """Activities are the association's own (activities.csv names no project): shown in the
    reports on all goals, the association's own goals and the activities area."""
    return content.kind in ("all", "own") or (content.kind == "area" and content.spec.scope == "activities")


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
                "SELECT date, type, title, participants, planned FROM activities "
                "WHERE date BETWEEN ? AND ? ORDER BY date, title",
                [content.spec.period_from or dt.date(1900, 1, 1), content.spec.period_to or content.as_of],
            ).df()
        finally:
            cursor.close()
    except Exception:  # noqa: BLE001 - a register that cannot be read leaves the section out, not the report
        return None
    frame["date"] = [as_date(value) for value in frame["date"]]
    return frame


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
    header = [
        t("reports.col_date", lang),
        t("period.col_activity", lang),
        t("period.col_type", lang),
        t("period.col_participants", lang),
        t("period.col_held", lang),
    ]
    rows = []
    for (_, record), was_held in zip(frame.iterrows(), held_mask):
        number = pd.to_numeric(pd.Series([record["participants"]]), errors="coerce").iloc[0]
        kind = text_or_empty(record["type"])
        rows.append(
            [
                record["date"].isoformat() if record["date"] else "–",
                text_or_empty(record["title"]),
                t("period.activity_type." + kind, lang) if kind in ACTIVITY_TYPES else kind,
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
    """A period a funder asks a report for: the whole project, or one half-year of it."""

    start: dt.date
    end: dt.date
    label: str


def reporting_periods(config: Config, project_id: str, today: dt.date, lang: str) -> list[ReportingPeriod]:
    """The whole project, then its half-years (newest first) that have begun by ``today``.

    Tillväxtverket and Region Sörmland ask for progress per half-year; Interreg for the whole
    project at its end. A half-year is cut to the project's own start and end.
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


# --- texts and tables shared by the PDF and the HTML ------------------------------------------------


def value_text(status: MetricStatus, lang: str) -> str:
    """A metric's value as a board member reads it ("7 100", "62 %", "klart 1 mars 2026")."""
    metric = status.metric
    if metric.kind_of.done_or_not:
        return t("cli.done", lang) if status.done_date else t("cli.not_done", lang)
    return number_text(metric, status.value, lang)


def number_text(metric: Metric, value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    text = format_number(value, lang, metric.decimals)
    if metric.unit.strip().lower() in ("percent", "%", "procent"):
        text += "\u00a0%"
    return text


def target_years(statuses: list[MetricStatus]) -> list[int]:
    """The target years the summary shows as columns: the plan's years (at most three)."""
    years = sorted(
        {target.date.year for item in statuses if item.metric.kind_of.has_targets for target in item.targets}
    )
    if len(years) > 3:
        years = [years[0], years[-1]]
    return years


def summary_table(content: ReportContent) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows and each row's status code: goal, value, date, one column per target year, status."""
    lang = content.lang
    years = target_years(content.statuses)
    header = [t("reports.col_goal", lang), t("reports.col_value", lang), t("reports.col_date", lang)]
    header += [t("reports.col_target_year", lang, year=year) for year in years]
    header += [t("reports.col_status", lang)]
    rows: list[list[str]] = []
    codes: list[str] = []
    for item in content.statuses:
        metric = item.metric
        row = [
            metric.display_name(lang),
            value_text(item, lang),
            format_date(item.done_date if metric.kind_of.done_or_not else item.value_date, lang, "iso")
            if (item.done_date or item.value_date)
            else "–",
        ]
        for year in years:
            if metric.kind_of.done_or_not:
                due = metric.due_date
                row.append(t("reports.due_short", lang, date=due.isoformat()) if due.year == year else "")
            else:
                target = item.target_for_year(year)
                row.append(number_text(metric, target.value, lang) if target else "")
        label = status_label(item.status, lang)
        if item.stale:
            label += f" ({t('status.stale', lang)})"
        row.append(label)
        rows.append(row)
        codes.append(item.status)
    return header, rows, codes


def period_text(spec: ReportSpec, lang: str) -> str:
    if spec.period_from is None:
        return t("reports.period_until", lang, to=format_date(spec.period_to, lang, "long"))
    return t(
        "reports.period_between",
        lang,
        start=format_date(spec.period_from, lang, "long"),
        end=format_date(spec.period_to, lang, "long"),
    )


def title_facts(content: ReportContent) -> list[tuple[str, str]]:
    """Label and value lines for the title page: scope, funder, period, as-of date, date made."""
    lang = content.lang
    facts = [(t("reports.fact_scope", lang), content.scope_label)]
    if content.funder:
        facts.append((t("reports.fact_funder", lang), content.funder))
    facts += [
        (t("reports.fact_period", lang), period_text(content.spec, lang)),
        (
            t("reports.fact_as_of", lang),
            f"{format_date(content.as_of, lang, 'long')} ({content.as_of.isoformat()})",
        ),
        (t("reports.fact_made", lang), f"{format_date(content.made.date(), lang, 'long')} {content.made:%H:%M}"),
    ]
    if content.pack is not None:
        facts.append(
            (
                t("reports.fact_pack", lang),
                t(
                    "reports.pack_note",
                    lang,
                    date=format_date(content.pack.meeting_date, lang, "long"),
                    created=content.pack.created.replace("T", " ")[:16],
                ),
            )
        )
    facts.append((t("reports.fact_goals", lang), status_counts_text(content.statuses, lang) or "–"))
    line = milestone_summary_line(content)
    if line:
        facts.append((t("period.fact_milestones", lang), line))
    behind = behind_most(content.statuses)
    if behind:
        facts.append(
            (
                t("period.fact_behind", lang),
                "; ".join(f"{item.metric.display_name(lang)} ({status_label(item.status, lang)})" for item in behind),
            )
        )
    return facts


def target_lines(status: MetricStatus, lang: str) -> list[str]:
    """Each target and whether it was met: "31 dec. 2026: 7 500 – ej passerat"."""
    metric = status.metric
    lines = []
    for target in status.targets:
        if metric.kind_of.done_or_not:
            goal = t("reports.due_short", lang, date=format_date(target.date, lang))
        else:
            goal = f"{format_date(target.date, lang)}: {number_text(metric, target.value, lang)}"
        if target.met is None:
            verdict = t("reports.target_pending", lang)
        elif target.met:
            verdict = t("reports.target_met", lang, value=number_text(metric, target.value_at_date, lang))
        else:
            verdict = t("reports.target_missed", lang, value=number_text(metric, target.value_at_date, lang))
        lines.append(f"{goal} – {verdict}")
    return lines


def forecast_sentence(status: MetricStatus, lang: str) -> str:
    """Where the trend leads and what is still needed per month (empty when reached or no data)."""
    metric = status.metric
    if metric.kind_of.done_or_not or status.status in ("reached", "no_data") or status.next_target is None:
        return ""
    parts = []
    if status.trend is not None:
        projected = status.trend.at(status.next_target.date)
        if metric.decimals is None:  # a projection is an estimate: no false precision
            projected = round(projected) if abs(projected) >= 100 else round(projected, 1)
        parts.append(
            t(
                "reports.trend_at",
                lang,
                date=format_date(status.next_target.date, lang),
                value=number_text(metric, projected, lang),
            )
        )
    if status.needed_per_month is not None:
        decimals = metric.decimals if metric.decimals is not None else (0 if abs(status.needed_per_month) >= 10 else 1)
        parts.append(t("reports.needed", lang, value=format_number(status.needed_per_month, lang, decimals)))
    return " ".join(parts)


def observation_rows(
    content: ReportContent, metric_id: str, limit: int | None = None
) -> tuple[list[str], list[list[str]], int]:
    """The newest observations in the period (date, value, note, source): header, rows, total count."""
    lang = content.lang
    metric = content.config.metric(metric_id)
    frame = content.observations(metric_id)
    header = [
        t("reports.col_date", lang),
        t("reports.col_value", lang),
        t("reports.col_note", lang),
        t("reports.col_source", lang),
    ]
    rows = []
    for record in frame.iloc[::-1].itertuples(index=False):
        rows.append(
            [
                record.date.isoformat(),
                number_text(metric, float(record.value), lang),
                text_or_empty(record.note),
                text_or_empty(record.source),
            ]
        )
    total = len(rows)
    return header, rows[:limit] if limit else rows, total


def method_lines(config: Config, lang: str) -> list[str]:
    """The method in short: the same words as the About page (:mod:`kpi.show.method`)."""
    return [
        method_intro(config, lang),
        *[f"{label}: {text}" for label, text in rule_items(config, lang)],
        t("dashboard.rule_year_to_date", lang),
        t("reports.method_more", lang),
    ]


def source_rows(content: ReportContent) -> tuple[list[str], list[list[str]]]:
    """The data this report's numbers come from (only what the scope uses), named for a reader
    ("Medlemsregistret", "Inmatade mätvärden: Kommunikation"), with rows and last change."""
    lang = content.lang
    header = [
        t("period.col_source_name", lang),
        t("reports.col_kind", lang),
        t("reports.col_rows", lang),
        t("reports.col_modified", lang),
    ]
    rows = []
    used = used_files(content)
    areas_in_file: dict[str, list[str]] = {}
    for item in content.statuses:
        frame = content.all_observations(item.id)
        if frame.empty:
            continue
        name = content.config.area_name(item.metric.area, lang)
        for label in {text_or_empty(value) for value in frame["file"]}:
            if label and name not in areas_in_file.setdefault(label, []):
                areas_in_file[label].append(name)
    for info in content.data.files:
        if info.label not in used:
            continue
        if info.kind == "metrics":
            name = t("period.source.metrics", lang, areas=", ".join(areas_in_file.get(info.label, [])) or "–")
            kind = t("reports.kind_metrics", lang)
        else:
            key = f"period.source.{info.kind}"
            name = t(key, lang) if info.kind in ("members", "agreements", "activities", "milestones") else info.kind
            kind = t("period.source_register", lang)
        modified = f"{info.modified:%Y-%m-%d %H:%M}" if info.modified else "–"
        rows.append([name, kind, format_number(info.rows, lang), modified])
    return header, rows


def shows_map_credit(content: ReportContent) -> bool:
    """The map's credit belongs with the association's goals (the municipality map), not in a
    project's report."""
    return content.kind != "project"


def map_attribution(lang: str) -> str:
    """The credit the municipality map requires (SCB, CC BY 4.0), from kpi.show.maps when it is there."""
    try:
        from kpi.show import maps  # the registers feature owns the map and its attribution

        text = getattr(maps, "MAP_ATTRIBUTION", None)
    except Exception:  # noqa: BLE001 - a missing or broken map module must not stop a report
        text = None
    if isinstance(text, dict):
        text = text.get(lang) or text.get("sv")
    elif text is not None and not isinstance(text, str):
        text = getattr(text, lang, None) or getattr(text, "sv", None)
    return str(text) if text else t("reports.map_attribution", lang)


def change_lines(content: ReportContent) -> list[str]:
    return [change_line(change, content.lang) for change in content.changes]


def changes_heading(content: ReportContent) -> str:
    if content.previous is None:
        return ""
    return t(
        "reports.changes_heading", content.lang, date=format_date(content.previous.meeting_date, content.lang, "long")
    )


def problem_note(content: ReportContent) -> str:
    """A line when the data files had errors: the report is made, but the reader should know."""
    if content.pack is not None:
        return ""
    found = errors(content.data.problems)
    return t("reports.data_errors", content.lang, count=len(found)) if found else ""
