"""Reading ``access.yaml``: safe YAML, then :class:`~kpi.model.access.AccessPolicy`.

A missing file is the default policy (anonymous visitors see aggregates; nobody has a role, so
member-level data is shown to no one until roles are given). A broken file is a :class:`DataError`
naming the field, because a typo must never open member data to the public by accident: the
dashboard then shows no member data to anybody until it is fixed.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from kpi.model.access import AccessPolicy
from kpi.model.problems import DataError, Problem


def load_access(path: Path) -> AccessPolicy:
    """The policy in ``path``, the default policy when there is no such file, or :class:`DataError`."""
    label = path.name
    if not path.is_file():
        return AccessPolicy()
    try:
        raw = yaml.safe_load(path.read_bytes().decode("utf-8-sig", errors="replace"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = str(getattr(exc, "problem", None) or exc).strip()
        raise DataError(
            [Problem(label, "access_yaml_syntax", row=mark.line + 1 if mark else None, params={"detail": detail})]
        ) from None
    try:
        return AccessPolicy.model_validate(raw or {})
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            field = ".".join(str(part) for part in error["loc"]) or "(top level)"
            detail = (
                "@detail.access_unknown_field"
                if error["type"] == "extra_forbidden"
                else error["msg"].removeprefix("Value error, ")
            )
            problems.append(Problem(label, "access_field", column=field, params={"field": field, "detail": detail}))
        raise DataError(problems) from None
