"""Dates as people type them: the sidebar's text fields (``st.date_input`` cannot be localised).

One pure function, :func:`parse_typed_date`, with no Streamlit and nothing from the other ``kpi``
packages. It accepts the ways a date is written in Sweden (and in British English, also day first):

* ISO, year first: ``2026-10-12``, also ``2026-1-5``, ``2026/10/12``, ``2026.10.12``, ``2026 10 12``;
* eight digits, ``ÅÅÅÅMMDD``: ``20261012``;
* day first with a four-digit year: ``12/10/2026``, ``12.10.2026``, ``12-10-2026``.

Month-first (American ``10/12/2026``) is never guessed, and neither is a two-digit year
(``261012``): a date that could mean two days is refused rather than read the wrong way.

The dashboard's as-of and comparison dates must lie between :data:`AS_OF_EARLIEST` (1900-01-01)
and :data:`AS_OF_LATEST` (2199-12-31), see :func:`in_as_of_range`.
"""

from __future__ import annotations

import datetime as dt
import re

# The as-of and comparison dates the dashboard accepts (the page names the range when it refuses one):
# a goal's path, a forecast and "three months before" are computed
# around the chosen day, so a day near the calendar's ends (0001-01-01, 9999-12-31) leaves no room
# for them. Outside the range a typed date is refused with a message, like text that is no date.
AS_OF_EARLIEST = dt.date(1900, 1, 1)
AS_OF_LATEST = dt.date(2199, 12, 31)


def in_as_of_range(day: dt.date) -> bool:
    """Whether ``day`` may be the dashboard's as-of or comparison date."""
    return AS_OF_EARLIEST <= day <= AS_OF_LATEST


_YEAR_FIRST = re.compile(r"(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def parse_typed_date(text: object) -> dt.date | None:
    """The date ``text`` means, or ``None`` when it is not exactly one real date.

    Surrounding spaces are ignored; anything else that is not one of the forms above, and any
    impossible date (``2026-02-30``, ``2026-13-01``), gives ``None``.
    """
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    if not isinstance(text, str):
        return None
    value = text.strip()
    for pattern, order in ((_YEAR_FIRST, (0, 1, 2)), (_COMPACT, (0, 1, 2)), (_DAY_FIRST, (2, 1, 0))):
        match = pattern.fullmatch(value)
        if match:
            parts = match.groups()
            year, month, day = (int(parts[index]) for index in order)
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None
