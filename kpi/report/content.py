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
from kpi.model.problems import DataError, Problem, UsageError
from kpi.model.targets import Config, DecisionPeriod, Metric, Project
from kpi.model.values import as_date, text_or_empty
from kpi.report.formats import FORMATS
from kpi.show.packs import BoardPack, Change, changes_since, find_pack, latest_pack
from kpi.show.views import group_by_area
from kpi.text.i18n import format_number, normalise_language, t

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
    # None: the funder's language for a project's report (``language`` in targets.yaml; English
    # for Interreg), else Swedish.
    lang: str | None = None
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
    lang = spec.lang or (project.report_language if project else None)
    return dataclasses.replace(
        spec, as_of=as_of, period_from=period_from, period_to=period_to, lang=normalise_language(lang)
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
        return normalise_language(self.spec.lang)

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
    def project(self) -> Project | None:
        """The project reported on, or None for any other scope."""
        return self.config.project(self.spec.scope) if self.kind == "project" else None

    @property
    def funder(self) -> str | None:
        return self.project.funder if self.project else None

    @property
    def final(self) -> bool:
        """A project's final report: the period ends on the project's end (or later)."""
        return self.project is not None and self.project.is_final(self.spec.period_to)

    @property
    def decision_period(self) -> DecisionPeriod | None:
        """The funding decision's reporting period the report covers exactly, if any."""
        if self.project is None:
            return None
        for item in self.project.reporting_periods:
            if (item.start, item.end) == (self.spec.period_from, self.spec.period_to):
                return item
        return None

    @property
    def project_name(self) -> str | None:
        if self.kind != "project":
            return None
        return self.config.project(self.spec.scope).name.get(self.lang)

    @property
    def title(self) -> str:
        if self.kind == "project":
            return t("funders.title_final" if self.final else "period.title_project", self.lang)
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
            package_id: PackageSection(package_id, name, [], [], self.final) for package_id, name in names.items()
        }
        sections[None] = PackageSection(None, t("reports.no_package", self.lang), [], [], self.final)
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
        content.changes = changes_since(previous, statuses, content.comments, content.lang)
    return content


def _latest_comments(dataset: Dataset, spec: ReportSpec) -> dict[str, str]:
    """The board's comment per goal from the newest board pack dated in the period."""
    newest = latest_pack(dataset.data_dir, before=(spec.as_of or dataset.today) + dt.timedelta(days=1))
    if newest is None or (spec.period_from is not None and newest.meeting_date < spec.period_from):
        return {}
    return dict(newest.comments)


# --- milestones and values in words, for every part of a report ----------------------------------

MILESTONE_STATES = ("done", "late", "open")


_STATE_KEYS = {"done": "registers.status.done", "late": "registers.status.overdue", "open": "registers.status.open"}


def milestone_state(item: MetricStatus) -> str:
    """``done`` (done by the as-of date), ``late`` (not done, and its due date has come: the
    rule's off track, so a milestone on its due date is late everywhere) or ``open``.

    Read from the rule's status (docs/method.md, rule 6), never decided again here."""
    if item.done_date is not None and item.done_date <= item.as_of:
        return "done"
    return "late" if item.status == "off_track" else "open"


def milestone_state_text(item: MetricStatus, lang: str) -> str:
    """The state in words with its symbol ("✔ Klart", "⚠ Försenat", "○ Pågår"), never colour alone."""
    return t(_STATE_KEYS[milestone_state(item)], lang)


# In a final report nothing is still under way: a milestone not done is not delivered.
REPORT_STATES = (*MILESTONE_STATES, "not_delivered")
REPORT_STATE_KEYS = {
    "done": "registers.status.done",
    "late": "registers.status.overdue",
    "open": "registers.status.open",
    "not_delivered": "funders.state_not_delivered",
}


def report_state(item: MetricStatus, final: bool) -> str:
    """:func:`milestone_state`, except that a final report says ``not_delivered`` for any
    milestone not done by the project's end (neither "late" nor "open": the project is over)."""
    state = milestone_state(item)
    return "not_delivered" if final and state != "done" else state


def report_state_text(item: MetricStatus, final: bool, lang: str) -> str:
    """The state in words with its symbol; "✘ Ej genomfört" / "✘ Not delivered" in a final report."""
    return t(REPORT_STATE_KEYS[report_state(item, final)], lang)


@dataclass
class PackageSection:
    """One work package (or focus area) of a project: its milestones in the period and its metrics."""

    id: str | None
    name: str
    milestones: list[MetricStatus]
    metrics: list[MetricStatus]
    final: bool = False

    def state_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(REPORT_STATES, 0)
        for item in self.milestones:
            counts[report_state(item, self.final)] += 1
        return counts


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
