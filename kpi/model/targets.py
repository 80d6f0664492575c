"""The schema of ``targets.yaml``: what a goal is, validated before any number is computed.

The file is a contract other tools read, so its keys are stable (see ``docs/targets.md``). It is
parsed with ``yaml.safe_load`` (a ``!!python/object`` tag is refused, never constructed) and
validated with pydantic, and every error is reported with the metric's id, the field and the line
in the file, because the person fixing it is editing that file by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kpi.text.i18n import localized
from kpi.model.problems import DataError, Problem

METRIC_ID = re.compile(r"^[a-z0-9_]+$")


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
    def _ordered(self) -> "Thresholds":
        if not 0 <= self.at_risk <= self.on_track:
            raise ValueError("must satisfy 0 <= at_risk <= on_track")
        return self


class Source(_Strict):
    """Where a metric's values come from when not from observation files: a register measure."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    register_name: str = Field(alias="register")
    measure: str
    where: dict[str, str | list[str]] = Field(default_factory=dict)
    flag: str | None = None

    @field_validator("where", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        # YAML reads ``planned: no`` as False; registers hold text, so compare as text.
        if isinstance(value, dict):
            return {k: ([_yaml_text(v) for v in val] if isinstance(val, list) else _yaml_text(val)) for k, val in value.items()}
        return value


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class Area(_Strict):
    id: str
    name: LocalizedText


class Package(_Strict):
    id: str
    name: LocalizedText


class Project(_Strict):
    id: str
    name: LocalizedText
    funder: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    packages: list[Package] = Field(default_factory=list)


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
    kind: Literal["metric", "milestone"] = "metric"
    baseline: DatedValue | None = None
    targets: list[DatedValue] = Field(default_factory=list)
    due: dt.date | None = None
    project: str | None = None
    package: str | None = None
    min: float | None = None
    max: float | None = None
    decimals: int | None = Field(default=None, ge=0, le=4)
    source: Source | None = None

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not METRIC_ID.match(value):
            raise ValueError("use only a-z, 0-9 and _")
        return value

    @field_validator("targets")
    @classmethod
    def _sorted_unique(cls, value: list[DatedValue]) -> list[DatedValue]:
        dates = [target.date for target in value]
        if len(set(dates)) != len(dates):
            raise ValueError("two targets share a date")
        return sorted(value, key=lambda target: target.date)

    @model_validator(mode="after")
    def _kind_fields(self) -> "Metric":
        if self.kind == "milestone":
            if self.due is None:
                raise ValueError("a milestone needs a due date (due: YYYY-MM-DD)")
            if self.targets:
                raise ValueError("a milestone has a due date, not targets")
        else:
            if not self.targets:
                raise ValueError("a metric needs at least one target (targets: [{date, value}])")
            if self.baseline and self.aggregation == "latest" and self.baseline.date >= self.targets[0].date:
                raise ValueError("the baseline must be dated before the first target")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is larger than max")
        return self

    def display_name(self, lang: str) -> str:
        return self.name.get(lang)

    def display_description(self, lang: str) -> str:
        return (self.description_en or self.description) if lang == "en" else self.description


class Organisation(_Strict):
    name: str
    short: str | None = None


class Config(_Strict):
    organisation: Organisation | None = None
    status_thresholds: Thresholds = Field(default_factory=Thresholds)
    areas: list[Area] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    metrics: list[Metric]

    @model_validator(mode="after")
    def _references(self) -> "Config":
        seen: set[str] = set()
        for metric in self.metrics:
            if metric.id in seen:
                raise ValueError(f"metric id {metric.id!r} is used twice")
            seen.add(metric.id)
        if self.areas:
            known = {area.id for area in self.areas}
            for metric in self.metrics:
                if metric.area not in known:
                    raise ValueError(f"metric {metric.id!r}: area {metric.area!r} is not among areas {sorted(known)}")
        projects = {project.id: project for project in self.projects}
        for metric in self.metrics:
            if metric.project is None:
                continue
            if metric.project not in projects:
                raise ValueError(f"metric {metric.id!r}: project {metric.project!r} is not among projects")
            packages = {package.id for package in projects[metric.project].packages}
            if metric.package is not None and metric.package not in packages:
                raise ValueError(f"metric {metric.id!r}: package {metric.package!r} is not a package of {metric.project!r}")
        return self

    # Lookups the UI and reports need; kept here so no page re-derives them.
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


def load_config(path: str | Path) -> Config:
    """Read and validate ``targets.yaml``; raise :class:`DataError` listing every problem."""
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise DataError([Problem(label, "file_missing")])
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        raw = _safe_parse(text)
    except yaml.constructor.ConstructorError as exc:
        tag = _tag_of(exc)
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DataError([Problem(label, "yaml_tag", row=line, params={"tag": tag})]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        detail = str(getattr(exc, "problem", None) or exc).strip()
        raise DataError([Problem(label, "yaml_syntax", row=line, params={"detail": detail})]) from None
    if not isinstance(raw, dict):
        raise DataError([Problem(label, "targets_top", row=1, params={"field": "metrics", "detail": "the file must be a mapping with a metrics: list"})])
    duplicates = _duplicate_ids(raw, text, label)
    if duplicates:
        raise DataError(duplicates)
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise DataError(_problems_from_validation(exc, raw, text, label)) from None


def _safe_parse(text: str):
    """``yaml.safe_load`` with libyaml's C parser when present (ten times faster on big files).

    Both loaders construct only plain data: a ``!!python/...`` tag raises ConstructorError.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _duplicate_ids(raw: dict, text: str, label: str) -> list[Problem]:
    """Name both places of a repeated id: pydantic would only say "used twice"."""
    metrics = raw.get("metrics")
    if not isinstance(metrics, list):
        return []
    ids = [entry.get("id") for entry in metrics if isinstance(entry, dict) and isinstance(entry.get("id"), str)]
    if len(ids) == len(set(ids)):
        return []
    lines = _line_index(text)
    first_line: dict[str, int | None] = {}
    problems = []
    for position, entry in enumerate(metrics):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        line = lines.get(("metrics", position, "id"))
        if entry["id"] in first_line:
            problems.append(Problem(label, "targets_field", row=line, column="id", params={
                "metric": entry["id"], "field": "id",
                "detail": f"the id is already used by the metric on line {first_line[entry['id']]}"}))
        else:
            first_line[entry["id"]] = line
    return problems


def _tag_of(exc: yaml.constructor.ConstructorError) -> str:
    match = re.search(r"tag '([^']+)'", str(exc))
    return match.group(1) if match else "?"


def _problems_from_validation(exc: ValidationError, raw: dict, text: str, label: str) -> list[Problem]:
    lines = _line_index(text)
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        detail = _plain_detail(error)
        line = lines.get(_trim_union_loc(loc)) or _nearest_line(lines, loc)
        if len(loc) >= 2 and loc[0] == "metrics" and isinstance(loc[1], int):
            metrics = raw.get("metrics") or []
            entry = metrics[loc[1]] if loc[1] < len(metrics) and isinstance(metrics[loc[1]], dict) else {}
            metric_id = entry.get("id", f"#{loc[1] + 1}")
            field = ".".join(str(part) for part in _trim_union_loc(loc[2:])) or "(metric)"
            problems.append(Problem(label, "targets_field", row=line, column=field,
                                    params={"metric": metric_id, "field": field, "detail": detail}))
        else:
            field = ".".join(str(part) for part in _trim_union_loc(loc)) or "(top level)"
            problems.append(Problem(label, "targets_top", row=line, column=field, params={"field": field, "detail": detail}))
    return problems


def _plain_detail(error: dict) -> str:
    if error["type"] == "missing":
        return "@detail.missing"
    if error["type"] == "extra_forbidden":
        return "@detail.unknown_field"
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _trim_union_loc(loc: tuple) -> tuple:
    # pydantic adds union branch names (e.g. 'str', 'list[str]') into locations; people never wrote them.
    return tuple(part for part in loc if not (isinstance(part, str) and ("[" in part or part in {"str", "float", "int"})))


def _line_index(text: str) -> dict[tuple, int]:
    """Map each key path in the YAML document to its 1-based line, for messages people can act on."""
    index: dict[tuple, int] = {}
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return index

    def walk(node: yaml.Node, path: tuple) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = path + (key.value,)
                index[child] = key.start_mark.line + 1
                walk(value, child)
                index[child] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for position, item in enumerate(node.value):
                walk(item, path + (position,))

    if root is not None:
        walk(root, ())
    return index


def _nearest_line(lines: dict[tuple, int], loc: tuple) -> int | None:
    loc = _trim_union_loc(loc)
    while loc:
        loc = loc[:-1]
        if loc in lines:
            return lines[loc]
    return None
