"""Reading ``targets.yaml``: safe YAML, then the schema of :mod:`kpi.model.targets`, with line numbers.

The file is a contract other tools read, so its keys are stable (see ``docs/targets.md``). It is
parsed with ``yaml.safe_load`` semantics (a ``!!python/object`` tag is refused, never constructed)
and validated with pydantic, and every error is reported with the metric's id, the field and the
line in the file, because the person fixing it is editing that file by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kpi.model.problems import DataError, Problem
from kpi.model.targets import Config


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
        raise DataError(
            [
                Problem(
                    label,
                    "targets_top",
                    row=1,
                    params={"field": "metrics", "detail": "the file must be a mapping with a metrics: list"},
                )
            ]
        )
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
            problems.append(
                Problem(
                    label,
                    "targets_field",
                    row=line,
                    column="id",
                    params={
                        "metric": entry["id"],
                        "field": "id",
                        "detail": f"the id is already used by the metric on line {first_line[entry['id']]}",
                    },
                )
            )
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
            problems.append(
                Problem(
                    label,
                    "targets_field",
                    row=line,
                    column=field,
                    params={"metric": metric_id, "field": field, "detail": detail},
                )
            )
        else:
            field = ".".join(str(part) for part in _trim_union_loc(loc)) or "(top level)"
            problems.append(
                Problem(label, "targets_top", row=line, column=field, params={"field": field, "detail": detail})
            )
    return problems


def _plain_detail(error: Any) -> str:
    if error["type"] == "missing":
        return "@detail.missing"
    if error["type"] == "extra_forbidden":
        return "@detail.unknown_field"
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _trim_union_loc(loc: tuple) -> tuple:
    # pydantic adds union branch names (e.g. 'str', 'list[str]') into locations; people never wrote them.
    return tuple(
        part for part in loc if not (isinstance(part, str) and ("[" in part or part in {"str", "float", "int"}))
    )


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
