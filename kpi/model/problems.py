"""What went wrong in a file, said so a person can find it and fix it.

A :class:`Problem` names the file, the row as a spreadsheet shows it (header = 1), the column and
what is wrong, with the message kept as a translation key plus parameters so the same problem can
be shown in Swedish on screen and in English in a log. Errors stop a save and fail ``validate``;
warnings are shown but do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from kpi.text.i18n import DEFAULT_LANGUAGE, t

Severity = Literal["error", "warning"]


@dataclass
class Problem:
    file: str
    code: str
    row: int | None = None
    column: str | None = None
    severity: Severity = "error"
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        # A parameter may itself be a translatable phrase ("@detail.missing"), for messages
        # assembled from a library's error (pydantic) that still must read well in Swedish.
        params = {
            key: (t(value[1:], lang) if isinstance(value, str) and value.startswith("@detail.") else value)
            for key, value in self.params.items()
        }
        return t(f"problem.{self.code}", lang, **params)

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            if self.row is None:
                parts.append("")
            parts.append(self.column)
        return ":".join(parts)

    def format(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """``file:row:column: message`` (with ``varning``/``warning`` marked), as ``validate`` prints."""
        prefix = "" if self.severity == "error" else t("severity.warning", lang) + ": "
        return f"{self.location()}: {prefix}{self.message(lang)}"


class KpiError(Exception):
    """The root of the library's named exceptions; the CLI turns each kind into its exit code."""


class DataError(KpiError):
    """Input cannot be used at all; carries every problem found, not just the first (exit code 1)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.format("en") for p in self.problems))


class UsageError(DataError, ValueError):
    """A choice that cannot be carried out: an unknown scope or format, a period that ends before it
    starts, a file that may not be written (exit code 2). It is a ``ValueError`` too, for callers
    that check arguments that way."""


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "warning"]
