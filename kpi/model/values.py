"""One reading of a cell value, whatever library produced it.

Values reach the code from DuckDB, pandas (``NaN``, ``NA``, ``NaT``, ``Timestamp``), numpy
(``datetime64``) and JSON; each helper here says once what "missing", "a date", "a number" and
"text" mean, so a listing, a report and a board pack never disagree about an empty cell.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd


def is_missing(value: Any) -> bool:
    """``None``, ``NaN``, ``pd.NA`` and ``NaT`` are all "no value"."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return bool(pd.isna(value))
    return False


def as_date(value: Any) -> dt.date | None:
    """A ``datetime.date`` from a date, a datetime, a Timestamp, a ``datetime64`` or ISO text."""
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        day: dt.date = value.astype("datetime64[D]").astype(dt.date)
        return day
    return dt.date.fromisoformat(str(value)[:10])


def as_number(value: Any, digits: int | None = None) -> float | int | None:
    """A plain JSON number: whole numbers as ``int``; ``digits`` rounds first. Missing is ``None``."""
    if is_missing(value):
        return None
    number = float(value)
    if digits is not None:
        number = round(number, digits)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def as_text(value: Any) -> str | None:
    """Text, or ``None`` for a missing value."""
    return None if is_missing(value) else str(value)


def text_or_empty(value: Any) -> str:
    """Text, or ``""`` for a missing value (what a table cell shows)."""
    return "" if is_missing(value) else str(value)


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
