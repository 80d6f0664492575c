"""The one clock seam: every "today" and "now" in Målbild comes from here.

A status depends on the date it is judged at, and several defaults depend on today (the as-of
date, the month a quick entry is for, the "made" time of a report). Reading the date in one place
lets tests, demos and the benchmark fix it, and lets the whole suite run on any calendar day:

* ``KPI_TODAY=2026-11-23`` in the environment fixes today for a process and its children (the
  end-to-end tests start a Streamlit server this way);
* :func:`set_today` fixes it inside one process (the tests' ``today`` fixture), and
  :func:`set_today(None)` lets it follow the calendar again.

``now()`` keeps the time of day (for change-log lines) and moves to the fixed date when one is set.
"""

from __future__ import annotations

import datetime as dt
import os

ENV = "KPI_TODAY"
_fixed: dt.date | None = None


def set_today(day: dt.date | str | None) -> None:
    """Fix today's date for this process (``None``: follow the calendar, or ``KPI_TODAY``)."""
    global _fixed
    _fixed = dt.date.fromisoformat(day) if isinstance(day, str) else day


def today() -> dt.date:
    """Today's date: the fixed one when set, else ``KPI_TODAY``, else the calendar's."""
    if _fixed is not None:
        return _fixed
    value = os.environ.get(ENV, "").strip()
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{ENV}={value!r} is not a date in the form YYYY-MM-DD") from None
    return dt.date.today()


def now() -> dt.datetime:
    """The local time now, with its UTC offset; on a fixed date, that date at the current time."""
    current = dt.datetime.now().astimezone()
    day = today()
    if day != current.date():
        current = current.replace(year=day.year, month=day.month, day=day.day)
    return current
