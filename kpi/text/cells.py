"""Cells that a spreadsheet would run as a formula are made inert in every export.

A note typed as ``=HYPERLINK("http://x","y")`` or ``@SUM(...)`` must stay text when the board opens
the file in Excel (OWASP "CSV injection"). The cell keeps its text, prefixed with an apostrophe,
which Excel and LibreOffice show as plain text.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
