"""The lists behind the register pages and reports: members on a date, joins and leavers, the
agreements in force, the year's activities, milestone progress, the rows of a dated register.

Each is one DuckDB query with parameters over the register tables :mod:`kpi.read.registers`
loaded, using the same SQL definitions of "a member on a date", "an agreement in force" and "a
milestone done" as the measures, so a list and the number above it always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from kpi.model.dataset import Dataset
from kpi.model.registers import REGISTERS
from kpi.model.targets import Metric
from kpi.read.measures import has_column, query
from kpi.read.vocab import (
    ACTIVITY_TYPES,
    CATEGORIES,
    FLAG_COLUMNS,
    LEAVE_REASONS,
    MEETING_TYPES,
    NATURAL_LEAVE_REASONS,
    municipalities,
)


def register_rows(dataset: Dataset, name: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The rows of a register that dates its rows (``date_column``) from ``start`` to ``end``, newest
    first: the generic "which rows?" list of any such register. Empty for a register without a date."""
    date = REGISTERS[name].date_column
    if date is None:
        return pd.DataFrame()
    day = f'"{date}"'
    return query(
        dataset,
        "SELECT * FROM " + name + " WHERE " + day + " BETWEEN $start AND $end ORDER BY " + day + " DESC, _row",
        {"start": start, "end": end},
    )


def members_at(dataset: Dataset, date: dt.date) -> pd.DataFrame:
    """The members on ``date`` (joined on or before it, not yet left), by name.

    The older yes/no flag columns are listed only when the file has them (the example keeps
    logins and survey answers in their own dated registers instead).
    """
    flags = "".join(f"{flag}, " for flag in FLAG_COLUMNS if has_column(dataset, "members", flag))
    return query(
        dataset,
        """
        SELECT member_id, name, category, kommun, joined, "left", leave_reason, """
        + flags
        + """_row FROM members WHERE kpi_member_on(joined, "left", $d)
        ORDER BY name COLLATE sv, member_id""",
        {"d": date},
    )


def member_changes(dataset: Dataset, year: int, until: dt.date | None = None) -> pd.DataFrame:
    """Joins and leavers in ``year`` (up to ``until``): ``date, change (joined|left), member_id, name,
    category, kommun, leave_reason, natural`` (true for closed, retired, sold, merged), by date."""
    return query(
        dataset,
        """
        SELECT date, change, member_id, name, category, kommun, leave_reason,
               CASE WHEN change = 'left' THEN list_contains($natural, leave_reason) END AS natural, _row
        FROM (SELECT joined AS date, 'joined' AS change, member_id, name, category, kommun, NULL AS leave_reason, _row
              FROM members WHERE year(joined) = $year
              UNION ALL
              SELECT "left", 'left', member_id, name, category, kommun, leave_reason, _row
              FROM members WHERE year("left") = $year)
        WHERE date <= $until ORDER BY date, change, name COLLATE sv""",
        {"year": year, "natural": list(NATURAL_LEAVE_REASONS), "until": until or dt.date(year, 12, 31)},
    )


def member_change_counts(dataset: Dataset, year: int, until: dt.date | None = None) -> dict[str, int]:
    """How many joined and left in ``year`` up to ``until``: ``{"joined": n, "left": m}``."""
    changes = member_changes(dataset, year, until)
    return {kind: int((changes["change"] == kind).sum()) for kind in ("joined", "left")}


def member_changes_by_year(
    dataset: Dataset, first_year: int, last_year: int, until: dt.date | None = None
) -> pd.DataFrame:
    """Per year (up to ``until``): joins (``reason`` empty) and leavers per leave reason:
    ``year, change, reason, members``."""
    return query(
        dataset,
        """
        SELECT year, change, reason, count(*)::BIGINT AS members FROM (
            SELECT year(joined) AS year, joined AS day, 'joined' AS change, NULL AS reason FROM members
            UNION ALL SELECT year("left"), "left", 'left', leave_reason FROM members WHERE "left" IS NOT NULL)
        WHERE year BETWEEN $first AND $last AND day <= $until
        GROUP BY year, change, reason ORDER BY year, change, list_position($reasons, reason)""",
        {
            "first": first_year,
            "last": last_year,
            "reasons": list(LEAVE_REASONS),
            "until": until or dt.date(last_year, 12, 31),
        },
    )


def members_by(dataset: Dataset, date: dt.date, column: str) -> pd.DataFrame:
    """Members on ``date`` counted by ``category`` (every category, zeros included) or ``kommun``."""
    if column not in ("category", "kommun"):
        raise ValueError(f"members_by counts by category or kommun, not {column!r}")
    # Categories come from the fixed list (zeros included); municipalities from the register.
    values = (
        "SELECT unnest($codes::VARCHAR[]) AS value"
        if column == "category"
        else 'SELECT DISTINCT kommun AS value FROM members WHERE kpi_member_on(joined, "left", $d)'
    )
    counts = query(
        dataset,
        """
        SELECT v.value, count(m."{column}")::BIGINT AS members FROM ({values}) v
        LEFT JOIN members m ON m."{column}" = v.value AND kpi_member_on(m.joined, m."left", $d)
        GROUP BY v.value ORDER BY members DESC, v.value COLLATE sv""".replace("{column}", column).replace(
            "{values}", values
        ),
        {"d": date, "codes": list(CATEGORIES)},
    )
    return counts.rename(columns={"value": column})


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every month's last day from ``start``'s month to ``end`` (and ``end`` itself if mid-month)."""
    days, year, month = [], start.year, start.month
    while True:
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        if last > end:
            break
        days.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not days or days[-1] != end:
        days.append(end)
    return days


def member_counts_over_time(dataset: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Monthly: ``date`` (month end, and ``end``), ``members`` on that day, ``joined`` and ``left``
    since the previous row (the first row counts from ``start``)."""
    days = month_ends(start, end)
    previous = [start - dt.timedelta(days=1)] + days[:-1]
    return query(
        dataset,
        """
        SELECT d.day AS date,
               (SELECT count(*) FROM members WHERE kpi_member_on(joined, "left", d.day))::BIGINT AS members,
               (SELECT count(*) FROM members WHERE joined > d.prev AND joined <= d.day)::BIGINT AS joined,
               (SELECT count(*) FROM members WHERE "left" > d.prev AND "left" <= d.day)::BIGINT AS "left"
        FROM (SELECT unnest($days) AS day, unnest($prev) AS prev) d ORDER BY d.day""",
        {"days": days, "prev": previous},
    )


def agreements_table(dataset: Dataset, date: dt.date) -> pd.DataFrame:
    """Every agreement row with ``active`` (in force on ``date``), by municipality and signing date."""
    return query(
        dataset,
        """
        SELECT kommun, kommunkod, signed, ends, status, kpi_agreement_on(status, signed, ends, $d) AS active,
               note, _row FROM agreements ORDER BY kommun COLLATE sv, signed NULLS LAST""",
        {"d": date},
    )


def agreement_states(dataset: Dataset, date: dt.date, kommuner: Iterable[str] = ()) -> pd.DataFrame:
    """One row per municipality (those in the register plus ``kommuner`` codes): its state on ``date``.

    ``state``: ``active`` (an agreement in force), ``ended`` (one was in force before, none now),
    ``negotiating`` (a row with that status), else ``none``. ``signed``/``ends`` are of the agreement
    the state comes from.
    """
    codes = list(kommuner)
    frame = query(
        dataset,
        """
        WITH k AS (SELECT DISTINCT kommunkod FROM agreements UNION SELECT unnest($codes::VARCHAR[])),
        ranked AS (
            SELECT a.kommunkod, a.signed, a.ends,
                   CASE WHEN kpi_agreement_on(a.status, a.signed, a.ends, $d) THEN 'active'
                        WHEN a.status IN ('active', 'ended') AND a.ends < $d THEN 'ended'
                        WHEN a.status = 'negotiating' THEN 'negotiating' ELSE 'none' END AS state
            FROM agreements a)
        SELECT k.kommunkod, r.state, r.signed, r.ends FROM k LEFT JOIN ranked r USING (kommunkod)
        QUALIFY row_number() OVER (PARTITION BY k.kommunkod ORDER BY
            list_position(['active', 'ended', 'negotiating', 'none'], coalesce(r.state, 'none')), r.signed DESC) = 1
        ORDER BY k.kommunkod""",
        {"d": date, "codes": codes},
    )
    frame["state"] = frame["state"].fillna("none")
    frame.insert(1, "kommun", [municipalities().get(code, code) for code in frame["kommunkod"]])
    return frame


def activities_in_year(dataset: Dataset, year: int, as_of: dt.date) -> pd.DataFrame:
    """The year's calendar with ``state`` on ``as_of``: ``done`` (held), ``upcoming`` (after
    ``as_of``) or ``unconfirmed`` (date passed but still marked planned), by date."""
    return query(
        dataset,
        """
        SELECT date, type, title, planned,
               CASE WHEN date > $as_of THEN 'upcoming' WHEN planned = 'no' THEN 'done' ELSE 'unconfirmed' END AS state,
               participants, members_present, note, _row
        FROM activities WHERE year(date) = $year ORDER BY date, title""",
        {"year": year, "as_of": as_of},
    )


def activity_summary(dataset: Dataset, year: int, as_of: dt.date) -> pd.DataFrame:
    """Planned versus held per type in ``year``: ``type, total, held, upcoming, unconfirmed``."""
    calendar = activities_in_year(dataset, year, as_of)
    rows = []
    for kind in ACTIVITY_TYPES:
        states = calendar.loc[calendar["type"] == kind, "state"]
        if len(states):
            rows.append(
                {
                    "type": kind,
                    "total": len(states),
                    "held": int((states == "done").sum()),
                    "upcoming": int((states == "upcoming").sum()),
                    "unconfirmed": int((states == "unconfirmed").sum()),
                }
            )
    return pd.DataFrame(rows, columns=["type", "total", "held", "upcoming", "unconfirmed"])


def attendance_table(dataset: Dataset, until: dt.date | None = None) -> pd.DataFrame:
    """Held meetings (annual, autumn, food; up to ``until``) with members present, members that day
    and the share."""
    frame = query(
        dataset,
        """
        SELECT date, type, title, members_present,
               (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date))::BIGINT AS members, _row
        FROM activities a WHERE list_contains($types, type) AND planned = 'no' AND members_present IS NOT NULL
          AND date <= $until
        ORDER BY date, title""",
        {"types": list(MEETING_TYPES), "until": until or dt.date.max},
    )
    frame["attendance_pct"] = [100.0 * p / m if m else None for p, m in zip(frame["members_present"], frame["members"])]
    return frame


def milestones_table(dataset: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Every milestone with ``status`` on ``as_of`` (done, overdue, open), overdue first, then by due date."""
    return query(
        dataset,
        """
        SELECT project, package, milestone, due, done, evidence, kpi_milestone_state(done, due, $d) AS status,
               CASE WHEN kpi_milestone_state(done, due, $d) = 'overdue' THEN ($d - due)::BIGINT END AS days_overdue, _row
        FROM milestones
        ORDER BY list_position(['overdue', 'open', 'done'], kpi_milestone_state(done, due, $d)), due, project, package""",
        {"d": as_of},
    )


def milestone_progress(dataset: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Share done and overdue per project (``total`` true) and per package, on ``as_of``."""
    return query(
        dataset,
        """
        SELECT project, CASE WHEN grouping(package) = 0 THEN package END AS package,
               grouping(package) = 1 AS total, count(*)::BIGINT AS milestones,
               count(*) FILTER (WHERE kpi_milestone_state(done, due, $d) = 'done')::BIGINT AS done,
               count(*) FILTER (WHERE kpi_milestone_state(done, due, $d) = 'overdue')::BIGINT AS overdue,
               count(*) FILTER (WHERE kpi_milestone_state(done, due, $d) = 'open')::BIGINT AS open,
               100.0 * count(*) FILTER (WHERE kpi_milestone_state(done, due, $d) = 'done') / count(*) AS done_pct,
               100.0 * count(*) FILTER (WHERE kpi_milestone_state(done, due, $d) = 'overdue') / count(*) AS overdue_pct
        FROM milestones GROUP BY GROUPING SETS ((project), (project, package))
        ORDER BY project, total DESC, package""",
        {"d": as_of},
    )


def register_metrics(dataset: Dataset, area: str | None = None) -> list[Metric]:
    """The metrics (of ``area``) computed from registers, in targets.yaml order."""
    return [
        metric
        for metric in dataset.config.metrics
        if metric.source is not None and (area is None or metric.area == area)
    ]


def project_name(dataset: Dataset, project_id: str | None, lang: str) -> str:
    for project in dataset.config.projects:
        if project.id == project_id:
            return project.name.get(lang)
    return project_id or ""


def package_name(dataset: Dataset, project_id: str | None, package_id: str | None, lang: str) -> str:
    for project in dataset.config.projects:
        if project.id == project_id:
            for package in project.packages:
                if package.id == package_id:
                    return package.name.get(lang)
    return package_id or ""
