"""Reading ``targets.yaml``: safe YAML, then the schema of :mod:`kpi.model.targets`, with line numbers.

The file is a contract other tools read, so its keys are stable (see ``docs/targets.md``). It is
parsed with ``yaml.safe_load`` semantics (a ``!!python/object`` tag is refused, never constructed)
and validated with pydantic, and every error is reported with the metric's id, the field and the
line in the file, because the person fixing it is editing that file by hand.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kpi.model.problems import DataError, Problem
from kpi.model.targets import Config

# Real targets.yaml files nest five levels deep; 64 leaves room and stops a crafted file from
# exhausting the parser's stack (100 000 nested "[" used to crash the process).
MAX_DEPTH = 64


class _Refused(Exception):
    """A YAML construct targets.yaml never needs, refused with the line it starts on."""

    def __init__(self, code: str, line: int | None, **params: Any) -> None:
        super().__init__(code)
        self.code, self.line, self.params = code, line, params


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """Safe loading, plus: a date that is not a date, and .nan/.inf, are line messages, not crashes."""


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise _Refused("yaml_bad_date", node.start_mark.line + 1, value=str(node.value)[:40]) from None


def _construct_float(loader: Any, node: yaml.ScalarNode) -> Any:
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    if not math.isfinite(value):
        raise _Refused("yaml_not_finite", node.start_mark.line + 1, value=str(node.value)[:40])
    return value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def load_config(path: str | Path) -> Config:
    """Read and validate ``targets.yaml``; raise :class:`DataError` listing every problem."""
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise DataError([Problem(label, "file_missing")])
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        raw, root = _safe_parse(text)
    except _Refused as exc:
        raise DataError([Problem(label, exc.code, row=exc.line, params=exc.params)]) from None
    except yaml.constructor.ConstructorError as exc:
        tag = _tag_of(exc)
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DataError([Problem(label, "yaml_tag", row=line, params={"tag": tag})]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        detail = str(getattr(exc, "problem", None) or exc).strip()
        raise DataError([Problem(label, "yaml_syntax", row=line, params={"detail": detail})]) from None
    duplicate_keys = _duplicate_keys(root, label)
    if duplicate_keys:
        raise DataError(duplicate_keys)
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
    duplicates = _duplicate_ids(raw, root, label)
    if duplicates:
        raise DataError(duplicates)
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise DataError(_problems_from_validation(exc, raw, root, label)) from None


def _check_events(text: str) -> None:
    """One pass over the parser's events, before anything is built: no aliases, bounded nesting.

    libyaml's parser keeps its own stack, so this pass is linear and safe; building the node tree
    afterwards recurses once per level, which is why the depth is checked first. Anchors and
    aliases are refused outright: targets.yaml never needs them, and expanding them is how a
    few kilobytes become gigabytes (the "billion laughs").
    """
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused("yaml_alias", line)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused("yaml_too_deep", line, limit=MAX_DEPTH)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _safe_parse(text: str) -> tuple[Any, yaml.Node | None]:
    """Safe YAML with libyaml's C parser when present (ten times faster on big files).

    Returns the data and the node tree (for line numbers). Only plain data is constructed: a
    ``!!python/...`` tag raises ConstructorError.
    """
    _check_events(text)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return (None if root is None else loader.construct_document(root)), root
    finally:
        loader.dispose()


def _duplicate_keys(root: yaml.Node | None, label: str) -> list[Problem]:
    """A key written twice in one mapping (``metrics:`` twice, ``min:`` twice): YAML keeps the last
    silently, which replaced every goal; here both lines are named."""
    problems: list[Problem] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value)
                line = key.start_mark.line + 1
                if isinstance(key, yaml.ScalarNode) and name in seen:
                    problems.append(
                        Problem(
                            label,
                            "yaml_duplicate_key",
                            row=line,
                            column=name,
                            params={"name": name, "other": seen[name]},
                        )
                    )
                else:
                    seen.setdefault(name, line)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(problems, key=lambda problem: problem.row or 0)


def _duplicate_ids(raw: dict, root: yaml.Node | None, label: str) -> list[Problem]:
    """Name both places of a repeated id: pydantic would only say "used twice"."""
    metrics = raw.get("metrics")
    if not isinstance(metrics, list):
        return []
    ids = [entry.get("id") for entry in metrics if isinstance(entry, dict) and isinstance(entry.get("id"), str)]
    if len(ids) == len(set(ids)):
        return []
    lines = _line_index(root)
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


def _problems_from_validation(exc: ValidationError, raw: dict, root: yaml.Node | None, label: str) -> list[Problem]:
    lines = _line_index(root)
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


def _line_index(root: yaml.Node | None) -> dict[tuple, int]:
    """Map each key path in the YAML document to its 1-based line, for messages people can act on.

    Walks the node tree the file was built from (no aliases, bounded depth): linear in the file.
    """
    index: dict[tuple, int] = {}

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
