"""The schema of ``targets.yaml``: what a goal is, validated before any number is computed.

The keys are a contract other tools read (``docs/targets.md``). Unknown keys are refused so that a
typo cannot silently drop a goal; :mod:`kpi.read.targets` reads the file and reports each problem
with its line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kpi.model.kinds import KINDS, MetricKind, MetricKindCode
from kpi.model.registers import REGISTERS
from kpi.text.i18n import localized

METRIC_ID = re.compile(r"^[a-z0-9_]+$")


def _checked_id(value: str) -> str:
    """An id as data files and tools name it: only a-z, 0-9 and _ (goals and funders' sections)."""
    if not METRIC_ID.match(value):
        raise ValueError("use only a-z, 0-9 and _")
    return value


class _Strict(BaseModel):
    # Unknown keys are refused: a typo such as ``taget:`` must not silently drop a goal.
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(_Strict):
    sv: str
    en: str | None = None

    def get(self, lang: str) -> str:
        return localized(self, lang)


class DatedValue(_Strict):
    date: dt.date
    value: float


class Thresholds(_Strict):
    on_track: float = 0.95
    at_risk: float = 0.6

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if not 0 <= self.at_risk <= self.on_track:
            raise ValueError("must satisfy 0 <= at_risk <= on_track")
        return self


class GrowthThresholds(_Strict):
    """Eurostat's bands for a goal with a direction but no number (``kind: direction``).

    The compound annual growth rate since the baseline, in per cent a year, is "significant
    progress" at or above ``significant``, "moderate progress" from 0 up to it, "moderate movement
    away" down to ``-significant`` and "significant movement away" below (Eurostat, SDG monitoring
    report, methodological annex: 1 % a year).
    """

    significant: float = Field(default=1.0, gt=0)


# Units whose values come in whole units: a count is never 7.2, and is judged against the
# expected value rounded down to whole units (``granularity``), so nobody is behind before a
# whole unit was due. Percentages, amounts and full-time equivalents are not counts.
COUNT_UNITS = frozenset(
    {
        "count",
        "members",
        "subscribers",
        "followers",
        "agreements",
        "persons",
        "products",
        "restaurants",
        "hubs",
        "businesses",
        "stores",
        "events",
        "trainings",
        "activities",
        "visitors",
        "participants",
        "municipalities",
        "co-operatives",
        "cooperatives",
        "co-ops",
        "producers",
    }
)


class Source(_Strict):
    """Where a metric's values come from when not from observation files: a register measure."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    register_name: str = Field(alias="register")
    measure: str
    where: dict[str, str | list[str]] = Field(default_factory=dict)
    flag: str | None = None
    # How many days a dated fact (a login, a survey answer) counts for before T; 365 by default.
    window_days: int | None = Field(default=None, ge=1, le=3660)

    @field_validator("where", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        # YAML reads ``planned: no`` as False; registers hold text, so compare as text.
        if isinstance(value, dict):
            return {
                k: ([_yaml_text(v) for v in val] if isinstance(val, list) else _yaml_text(val))
                for k, val in value.items()
            }
        return value


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# Pages every configuration has: an area's page may not take their place in the URL.
RESERVED_PAGES = frozenset({"overview", "metric", "reports", "data", "about"})
PAGE_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_AREA_ICON = "label"


class Area(_Strict):
    """One area of the plan: a page in the menu with its goals and the registers it shows."""

    id: str
    name: LocalizedText
    # A Material Symbols name (https://fonts.google.com/icons), e.g. ``groups``; default ``label``.
    icon: str = DEFAULT_AREA_ICON
    # One line under the page's heading, in the user's language.
    intro: LocalizedText | None = None
    # The page's URL path (``/members``); default the area's id. A link saved by the board keeps
    # opening the same page as long as this stays.
    page: str | None = None
    # The registers whose views (charts and lists) the page shows, in order (kpi.model.registers).
    registers: list[str] = Field(default_factory=list)

    @field_validator("icon")
    @classmethod
    def _icon_form(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9_]{1,40}", value):
            raise ValueError("use a Material Symbols name in lower case, e.g. groups or school")
        return value

    @field_validator("page")
    @classmethod
    def _page_form(cls, value: str | None) -> str | None:
        if value is not None and not PAGE_SLUG.match(value):
            raise ValueError("use 1-40 of a-z, 0-9, _ and -, starting with a letter or digit")
        return value

    @field_validator("registers")
    @classmethod
    def _known_registers(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in REGISTERS]
        if unknown:
            raise ValueError(f"unknown register {unknown[0]!r}; registers are {', '.join(REGISTERS)}")
        return value

    @property
    def slug(self) -> str:
        """The page's URL path: ``page`` or the id."""
        return self.page or self.id

    @property
    def material_icon(self) -> str:
        """The icon as Streamlit writes it (``:material/groups:``)."""
        return f":material/{self.icon}:"


class Package(_Strict):
    id: str
    name: LocalizedText


class DecisionPeriod(_Strict):
    """One reporting period of the funding decision: the report numbered ``number`` covers
    ``start`` … ``end`` and is due on ``due`` (the funder's date, not a calendar half-year)."""

    number: int = Field(ge=1)
    start: dt.date
    end: dt.date
    due: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> DecisionPeriod:
        if self.end < self.start:
            raise ValueError(f"reporting period {self.number} ends before it starts")
        if self.due is not None and self.due < self.end:
            raise ValueError(f"reporting period {self.number} is due before it ends")
        return self


class IndicatorCount(_Strict):
    """How an indicator is counted from a register: its rows of the project (``where`` narrows
    them, e.g. ``{indicator: RCO 84}``), or the distinct values of one column (``distinct:
    org_number``: organisations, each counted once, in the period it first took part)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    register_name: str = Field(alias="register")
    where: dict[str, str] = Field(default_factory=dict)
    distinct: str | None = None

    @model_validator(mode="after")
    def _known(self) -> IndicatorCount:
        register = REGISTERS.get(self.register_name)
        if register is None:
            raise ValueError(f"unknown register {self.register_name!r}; registers are {', '.join(REGISTERS)}")
        if register.date_column is None:
            raise ValueError(f"register {self.register_name!r} has no date: its rows cannot be counted per period")
        for column in [*self.where, *([self.distinct] if self.distinct else [])]:
            if column not in register.column_names:
                raise ValueError(f"register {self.register_name!r} has no column {column!r}")
        return self


class Indicator(_Strict):
    """One of the funder's indicators (programme output or result), with the application's
    target, counted from a register (``count``) or read from a goal's observations (``metric``)."""

    code: str
    name: LocalizedText
    unit: LocalizedText | None = None
    target: float = Field(ge=0)
    count: IndicatorCount | None = None
    metric: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Indicator:
        if (self.count is None) == (self.metric is None):
            raise ValueError(f"indicator {self.code!r}: give either count (a register) or metric (observations)")
        return self


class NarrativeSection(_Strict):
    """One free-text field of the funder's form ("Main achievements", "Arbetssätt och
    organisation"), with its character limit; ``final: true`` only in the final report."""

    id: str
    name: LocalizedText
    limit: int | None = Field(default=None, ge=1)
    help: LocalizedText | None = None
    final: bool = False

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        return _checked_id(value)


class Project(_Strict):
    id: str
    name: LocalizedText
    funder: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    packages: list[Package] = Field(default_factory=list)
    # As the funder knows the project: its reference ("C025", the decision's case number), the
    # programme, who leads it and who takes part, and the language the funder reads reports in.
    reference: str | None = None
    programme: str | None = None
    lead_partner: str | None = None
    partners: list[str] = Field(default_factory=list)
    language: Literal["sv", "en"] | None = None
    # The reports the funding decision asks for, in order, each with its due date.
    reporting_periods: list[DecisionPeriod] = Field(default_factory=list)
    # The funder's indicators with the application's targets.
    indicators: list[Indicator] = Field(default_factory=list)
    # The free-text sections of the funder's report form, in its order, with their limits.
    sections: list[NarrativeSection] = Field(default_factory=list)

    @model_validator(mode="after")
    def _periods_fit(self) -> Project:
        periods = self.reporting_periods
        numbers = [period.number for period in periods]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"project {self.id!r}: two reporting periods share a number")
        for before, after in zip(periods, periods[1:]):
            if after.start <= before.end:
                raise ValueError(
                    f"project {self.id!r}: reporting period {after.number} starts before period {before.number} ends"
                )
        for period in periods:
            if (self.start and period.start < self.start) or (self.end and period.end > self.end):
                raise ValueError(
                    f"project {self.id!r}: reporting period {period.number} lies outside the project's start and end"
                )
        return self

    @property
    def report_language(self) -> str | None:
        """The language the funder reads: ``language``, else English for an Interreg programme."""
        if self.language:
            return self.language
        text = f"{self.programme or ''} {self.funder or ''}".lower()
        return "en" if "interreg" in text else None

    def is_final(self, period_end: dt.date | None) -> bool:
        """Whether a report ending on ``period_end`` is the project's final report."""
        return self.end is not None and period_end is not None and period_end >= self.end


class Metric(_Strict):
    id: str
    name: LocalizedText
    description: str = ""
    description_en: str | None = None
    area: str
    unit: str = ""
    direction: Literal["increase", "decrease"] = "increase"
    aggregation: Literal["latest", "year_to_date"] = "latest"
    cadence: Literal["monthly", "quarterly", "yearly"] = "monthly"
    kind: MetricKindCode = "metric"
    baseline: DatedValue | None = None
    targets: list[DatedValue] = Field(default_factory=list)
    due: dt.date | None = None
    project: str | None = None
    package: str | None = None
    min: float | None = None
    max: float | None = None
    decimals: int | None = Field(default=None, ge=0, le=4)
    source: Source | None = None
    # The step a value comes in (1 for counts; None for percentages and amounts): the expected
    # value is rounded down to it before judging. Unset: 1 when ``unit`` is a count, else none.
    granularity: float | None = Field(default=None, ge=0)
    # A ``kind: direction`` goal's own growth bands (else the configuration's).
    growth_thresholds: GrowthThresholds | None = None
    # The goal is the sum of other goals' series (social_followers = followers_facebook + ...):
    # on each date a part has a value, the sum of every part's latest value (kpi.read.load).
    parts: list[str] | None = None
    # Who keeps the goal's values up to date: an e-mail address or a role of access.yaml
    # (``kpi due``, the Data page's "Att uppdatera", ``kpi remind``).
    owner: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        return _checked_id(value)

    @field_validator("targets")
    @classmethod
    def _sorted_unique(cls, value: list[DatedValue]) -> list[DatedValue]:
        dates = [target.date for target in value]
        if len(set(dates)) != len(dates):
            raise ValueError("two targets share a date")
        return sorted(value, key=lambda target: target.date)

    @model_validator(mode="after")
    def _kind_fields(self) -> Metric:
        problems = self.kind_of.problems(self)
        if problems:
            raise ValueError(problems[0])
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self

    @property
    def kind_of(self) -> MetricKind:
        """The goal's kind with what it implies (kpi.model.kinds): ask it, do not compare codes."""
        return KINDS[self.kind]

    @property
    def is_count(self) -> bool:
        """Whether values come in whole units (a ``unit`` among :data:`COUNT_UNITS`)."""
        return self.unit in COUNT_UNITS

    @property
    def whole_units(self) -> bool:
        """Whether every value must be a whole number: a count not opted out (``granularity: 0``)."""
        step = self.step
        return step is not None and float(step).is_integer()

    @property
    def step(self) -> float | None:
        """The granularity the rule rounds the expected value down to (None: not rounded)."""
        if self.granularity is not None:
            return self.granularity or None
        return 1.0 if self.is_count else None

    @property
    def due_date(self) -> dt.date:
        """A milestone's (or direction goal's) due date (validation guarantees one); a metric has none and raises."""
        if self.due is None:
            raise ValueError(f"metric {self.id!r} has no due date")
        return self.due

    @property
    def register_source(self) -> Source:
        """The register measure of a metric computed from a register; raises for other metrics."""
        if self.source is None:
            raise ValueError(f"metric {self.id!r} is not computed from a register")
        return self.source

    def display_name(self, lang: str) -> str:
        return self.name.get(lang)

    def display_description(self, lang: str) -> str:
        return (self.description_en or self.description) if lang == "en" else self.description


class Organisation(_Strict):
    name: str
    short: str | None = None
    # The organisation's own goals (metrics without a project) are the report scope with this id,
    # and report files are named after it: ``<id>-<scope>-<from>_<to>.pdf``.
    id: str | None = None

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", value):
            raise ValueError("use 1-40 of a-z, 0-9, _ and -, starting with a letter or digit")
        return value

    @property
    def slug(self) -> str:
        """The id, or one made from the short name (``Matkoopnätverket`` → ``matkoopnatverket``)."""
        return self.id or slugify(self.short or self.name) or OWN_SCOPE


OWN_SCOPE = "own"


def slugify(text: str) -> str:
    """Lower-case ASCII letters, digits and hyphens, for file names and scope ids."""
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "Å": "a", "Ä": "a", "Ö": "o"})
    text = re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")
    return text[:40].strip("-")


class Config(_Strict):
    organisation: Organisation | None = None
    # The years the board reads every goal against (columns in ``kpi status``, progress bars on
    # the cards). Unset: every year in which some metric has a target.
    horizons: list[int] | None = None
    status_thresholds: Thresholds = Field(default_factory=Thresholds)
    growth_thresholds: GrowthThresholds = Field(default_factory=GrowthThresholds)
    areas: list[Area] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    metrics: list[Metric]

    @model_validator(mode="after")
    def _references(self) -> Config:
        seen: set[str] = set()
        for metric in self.metrics:
            if metric.id in seen:
                raise ValueError(f"metric id {metric.id!r} is used twice")
            seen.add(metric.id)
        slugs = [area.slug for area in self.areas]
        for slug in slugs:
            if slug in RESERVED_PAGES:
                raise ValueError(
                    f"area page {slug!r} is the name of a built-in page ({', '.join(sorted(RESERVED_PAGES))})"
                )
            if slugs.count(slug) > 1:
                raise ValueError(f"two areas share the page {slug!r}")
        if self.areas:
            known = {area.id for area in self.areas}
            for metric in self.metrics:
                if metric.area not in known:
                    raise ValueError(f"metric {metric.id!r}: area {metric.area!r} is not among areas {sorted(known)}")
        by_id = {metric.id: metric for metric in self.metrics}
        for metric in self.metrics:
            for part in metric.parts or []:
                if part not in by_id:
                    raise ValueError(f"metric {metric.id!r}: part {part!r} is not among the metrics")
                if part == metric.id or by_id[part].parts or by_id[part].source is not None:
                    raise ValueError(f"metric {metric.id!r}: part {part!r} must be a goal with typed values of its own")
            if metric.parts is not None and (not metric.parts or metric.source is not None):
                raise ValueError(f"metric {metric.id!r}: parts: needs at least one goal, and no source:")
        projects = {project.id: project for project in self.projects}
        for metric in self.metrics:
            if metric.project is None:
                continue
            if metric.project not in projects:
                raise ValueError(f"metric {metric.id!r}: project {metric.project!r} is not among projects")
            packages = {package.id for package in projects[metric.project].packages}
            if metric.package is not None and metric.package not in packages:
                raise ValueError(
                    f"metric {metric.id!r}: package {metric.package!r} is not a package of {metric.project!r}"
                )
        known = {metric.id for metric in self.metrics}
        for project in self.projects:
            for indicator in project.indicators:
                if indicator.metric is not None and indicator.metric not in known:
                    raise ValueError(
                        f"project {project.id!r}: indicator {indicator.code!r} reads metric {indicator.metric!r}, "
                        "which is not among metrics"
                    )
        return self

    # Lookups the UI and reports need; kept here so no page re-derives them.
    def horizon_years(self) -> list[int]:
        """The plan's horizons: ``horizons:`` when set, else the years that have a target."""
        if self.horizons:
            return sorted(set(self.horizons))
        return sorted({target.date.year for metric in self.metrics for target in metric.targets})

    def organisation_name(self, default: str = "") -> str:
        return self.organisation.name if self.organisation else default

    def own_scope(self) -> str:
        """The report scope of the organisation's own goals (metrics without a project)."""
        return self.organisation.slug if self.organisation else OWN_SCOPE

    def metric(self, metric_id: str) -> Metric:
        for metric in self.metrics:
            if metric.id == metric_id:
                return metric
        raise KeyError(metric_id)

    def metric_ids(self) -> list[str]:
        return [metric.id for metric in self.metrics]

    def area_ids(self) -> list[str]:
        """Areas in display order: declared ones first, then any a metric uses."""
        ordered = [area.id for area in self.areas]
        for metric in self.metrics:
            if metric.area not in ordered:
                ordered.append(metric.area)
        return ordered

    def area_list(self) -> list[Area]:
        """Every area in display order, with a plain one for an area a metric names but ``areas:`` lacks."""
        declared = {area.id: area for area in self.areas}
        return [
            declared.get(area_id) or Area(id=area_id, name=LocalizedText(sv=area_id.replace("_", " ").capitalize()))
            for area_id in self.area_ids()
        ]

    def area(self, area_id: str) -> Area:
        for area in self.area_list():
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    def is_project_area(self, area_id: str) -> bool:
        """Whether the area holds project goals only (at least one): the menu lists it under "Projekt"."""
        goals = [metric for metric in self.metrics if metric.area == area_id]
        return bool(goals) and bool(self.projects) and all(metric.project is not None for metric in goals)

    def area_name(self, area_id: str, lang: str) -> str:
        for area in self.areas:
            if area.id == area_id:
                return area.name.get(lang)
        return area_id.replace("_", " ").capitalize()

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)
