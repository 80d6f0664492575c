"""Registers: the member list, municipal agreements, activities and project milestones.

Staff keep lists, not time series. This module reads the four register files in ``data/``
(``members.csv``, ``agreements.csv``, ``activities.csv``, ``milestones.csv``; each optional) with
the project's one CSV reader, checks every row (problems name file, row and column; a row with an
error is left out rather than counted wrongly), stores them as DuckDB tables of the same names, and
computes one :class:`~kpi.read.load.Series` per metric whose ``source`` in ``targets.yaml`` names a
register measure. The small, named set of measures (:data:`MEASURES`) is written once, in DuckDB
SQL with parameters, and documented in ``docs/registers.md``; the listings the pages and reports
show ("which ones?") are computed here too, from the same SQL definitions of "a member on a date",
"an agreement in force" and "a milestone done".
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpi.model.dataset import Dataset, FileInfo, Series
from kpi.model.problems import Problem, Severity
from kpi.model.registers import REGISTERS, Column, Register
from kpi.model.targets import Config, Metric
from kpi.model.values import is_missing
from kpi.read.tables import (
    RawTable,
    file_label,
    forget_file,
    modified_time,
    parse_file_date,
    parse_number,
    read_table,
    unreadable,
)

_log = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parent.parent / "assets"

# --- allowed values ---------------------------------------------------------------------------------
# Codes are stored in English (stable for targets.yaml and other tools); staff may type the Swedish
# word, which is read as the code. Case, spaces and hyphens do not matter ("Årsmöte", "annual meeting").
CATEGORIES = ("producer", "processor", "restaurant", "retail", "hospitality", "other")
LEAVE_REASONS = ("closed", "retired", "sold", "merged", "other")
NATURAL_LEAVE_REASONS = ("closed", "retired", "sold", "merged")
ACTIVITY_TYPES = (
    "training",
    "festival",
    "campaign",
    "annual_meeting",
    "autumn_meeting",
    "food_meeting",
    "school_collaboration",
    "uf",
    "internal_newsletter",
    "other",
)
MEETING_TYPES = ("annual_meeting", "autumn_meeting", "food_meeting")
AGREEMENT_STATUSES = ("active", "negotiating", "ended", "none")
# An agreement with one of these statuses has been signed; its dates say when it was in force.
SIGNED_STATUSES = ("active", "ended")
MILESTONE_STATES = ("overdue", "open", "done")
FLAG_COLUMNS = ("uses_member_pages", "increased_profitability")
# A dated flag (a last login, the date of a survey answer) counts for this many days; so does a
# login or a survey answer in the dated registers, unless a metric sets ``source.window_days``.
FLAG_VALID_DAYS = 365
WINDOW_DAYS = 365
FAR_FUTURE_YEARS = 2

_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "category": {
        "producer": ("producent", "primärproducent", "lantbrukare", "odlare"),
        "processor": ("förädlare", "förädling", "livsmedelsförädlare"),
        "restaurant": ("restaurang", "krog", "café", "kafé"),
        "retail": ("handel", "butik", "dagligvaruhandel", "gårdsbutik"),
        "hospitality": ("besöksnäring", "turism", "upplevelse"),
        "other": ("övrigt", "övriga", "annat", "annan"),
    },
    "leave_reason": {
        "closed": ("nedlagd", "lagt_ned", "lade_ned", "upphört", "stängd", "avvecklad"),
        "retired": ("pension", "pensionerad", "pensionering"),
        "sold": ("såld", "sålt", "försäljning"),
        "merged": ("sammanslagen", "sammanslagning", "fusion", "fusionerad"),
        "other": ("annat", "övrigt", "annan", "utträde", "egen_begäran"),
    },
    "type": {
        "training": ("utbildning", "kurs", "webbinarium"),
        "festival": ("matfest", "festival", "skördefest", "mataktivitet"),
        "campaign": ("kampanj", "temakampanj"),
        "annual_meeting": ("årsmöte",),
        "autumn_meeting": ("höstmöte",),
        "food_meeting": ("matmöte", "sörmländskt_matmöte"),
        "school_collaboration": ("skolsamverkan", "restaurangskola", "skola"),
        "uf": ("ung_företagsamhet", "ung_företagsverksamhet"),
        "internal_newsletter": ("internt_nyhetsbrev", "nyhetsbrev", "medlemsbrev"),
        "other": ("övrigt", "annat", "övrig"),
    },
    "status": {
        "active": ("aktiv", "aktivt", "gällande", "signed", "signerat", "tecknat"),
        "negotiating": ("förhandling", "under_förhandling", "dialog", "pågående", "planned", "planerat"),
        "ended": ("avslutad", "avslutat", "upphört", "uppsagt", "expired", "utgånget"),
        "none": ("inget", "ingen", "inget_avtal", "saknas", "nej"),
    },
}
_CODES = {"category": CATEGORIES, "leave_reason": LEAVE_REASONS, "type": ACTIVITY_TYPES, "status": AGREEMENT_STATUSES}
_YES = {"yes", "ja", "j", "y", "true", "sant", "x", "1"}
_NO = {"no", "nej", "n", "false", "falskt", "0"}


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


@cache
def _code_lookup(column: str) -> dict[str, str]:
    lookup = {code: code for code in _CODES[column]}
    for code, words in _ALIASES[column].items():
        lookup.update({_key(word): code for word in words})
    return lookup


def normalise_code(column: str, text: str) -> str | None:
    """The code for a typed value (``"Restaurang"`` → ``"restaurant"``), or ``None`` if unknown."""
    return _code_lookup(column).get(_key(text))


def yes_no(text: str | None) -> str | None:
    """``"yes"``/``"no"`` for the ways people write it (ja, nej, x, 1 …); ``None`` when empty or unknown."""
    if text is None or not str(text).strip():
        return None
    key = _key(str(text))
    return "yes" if key in _YES else "no" if key in _NO else None


# --- municipalities ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def municipalities() -> dict[str, str]:
    """All 290 Swedish municipalities, ``{kommunkod: name}`` (SCB, see kpi/assets/ATTRIBUTION.md).

    The whole country, not only Sörmland: a member may be based in a neighbouring county, and
    another organisation may use the registers; a misspelling is still caught.
    """
    with (ASSETS / "kommuner.csv").open(encoding="utf-8", newline="") as handle:
        return {row["kommunkod"]: row["kommun"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _kommun_lookup() -> dict[str, str]:
    lookup = {}
    for code, name in municipalities().items():
        lookup[code] = code
        lookup[name.casefold()] = code
    return lookup


def normalise_kommun(text: str) -> str | None:
    """The kommunkod for ``Nyköping``, ``nyköpings kommun`` or ``0480``; ``None`` if not a municipality."""
    lookup = _kommun_lookup()
    key = re.sub(r"\s+", " ", text.strip().casefold())
    if key.isdigit() and len(key) == 3:
        key = "0" + key  # Excel drops the leading zero of 0480
    key = key.removesuffix(" kommun").strip()
    if key in lookup:
        return lookup[key]
    if key.endswith("s") and key[:-1] in lookup:  # "Nyköpings kommun"
        return lookup[key[:-1]]
    return None


def _kommun_suggestion(text: str) -> str | None:
    names = list(municipalities().values())
    match = difflib.get_close_matches(text.strip().title(), names, n=1, cutoff=0.75)
    return match[0] if match else None


# --- register definitions: kpi.model.registers ----------------------------------------------------

_SQL_TYPES = {"date": "DATE", "done": "DATE", "count": "INTEGER"}


def _table_columns(register: Register) -> list[tuple[str, str]]:
    """The typed table's columns: one per register column, plus ``<flag>_yes``/``<flag>_date``."""
    columns = [("_row", "INTEGER")]
    for column in register.columns:
        columns.append((column.name, _SQL_TYPES.get(column.kind, "VARCHAR")))
        if column.kind == "flag":
            columns += [(column.name + "_yes", "BOOLEAN"), (column.name + "_date", "DATE")]
    if register.name == "members":
        columns.append(("kommunkod", "VARCHAR"))
    return columns


# Definitions used by every measure and listing, so "a member on day d" means one thing everywhere.
# They are ordinary (not TEMP) macros so that cursors of the connection see them too.
_MACROS = f"""
CREATE OR REPLACE MACRO kpi_member_on(joined, left_date, d) AS
    joined <= d AND (left_date IS NULL OR left_date > d);
CREATE OR REPLACE MACRO kpi_flag_on(yes, flag_date, d) AS
    coalesce(yes, false) OR coalesce(flag_date BETWEEN d - {FLAG_VALID_DAYS} AND d, false);
CREATE OR REPLACE MACRO kpi_agreement_on(status, signed, ends, d) AS
    status IN ('active', 'ended') AND signed IS NOT NULL AND signed <= d AND (ends IS NULL OR ends >= d);
CREATE OR REPLACE MACRO kpi_milestone_state(done, due, d) AS CASE
    WHEN done IS NOT NULL AND done <= d THEN 'done' WHEN due < d THEN 'overdue' ELSE 'open' END;
"""


# --- measures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A named computation over one register (see docs/registers.md for each exact definition).

    ``series_sql`` gives ``(day, value)`` rows; ``rows_sql`` the register rows behind the value on
    ``$as_of`` (events from ``$start``). ``{filter}`` is replaced by a predicate built from
    whitelisted column names and ``$w…`` parameters, ``{flag}`` by a whitelisted flag column.
    """

    register: str
    name: str
    kind: str  # level | events | share | per_meeting
    series_sql: str
    rows_sql: str
    stepwise: bool = True
    needs_flag: bool = False
    # The register's dated facts after today (an agreement's end date) are applied on their own
    # dates; other measures stop at today (a login window running out next spring has not).
    dated_facts: bool = False
    default_where: tuple[tuple[str, tuple[str, ...]], ...] = ()


MEASURES: dict[tuple[str, str], Measure] = {
    (m.register, m.name): m
    for m in (
        Measure(
            "members",
            "active_count",
            "level",
            """
        WITH m AS (SELECT * FROM members WHERE {filter})
        SELECT day, sum(sum(delta)) OVER (ORDER BY day) FROM (
            SELECT joined AS day, 1 AS delta FROM m
            UNION ALL SELECT "left", -1 FROM m WHERE "left" IS NOT NULL)
        GROUP BY day ORDER BY day""",
            """
        SELECT * FROM members WHERE {filter} AND kpi_member_on(joined, "left", $as_of)
        ORDER BY name COLLATE sv, member_id""",
        ),
        Measure(
            "members",
            "joined_count",
            "events",
            """
        SELECT joined, count(*) FROM members WHERE {filter} GROUP BY joined ORDER BY joined""",
            """
        SELECT * FROM members WHERE {filter} AND joined BETWEEN $start AND $as_of ORDER BY joined, name COLLATE sv""",
        ),
        Measure(
            "members",
            "left_count",
            "events",
            """
        SELECT "left", count(*) FROM members WHERE {filter} AND "left" IS NOT NULL GROUP BY "left" ORDER BY 1""",
            """
        SELECT * FROM members WHERE {filter} AND "left" BETWEEN $start AND $as_of ORDER BY "left", name COLLATE sv""",
        ),
        Measure(
            "members",
            "active_share_pct",
            "share",
            f"""
        WITH m AS (SELECT * FROM members WHERE {{filter}}),
        days AS (SELECT joined AS day FROM m UNION SELECT "left" FROM m WHERE "left" IS NOT NULL
                 UNION SELECT {{flag}}_date FROM m WHERE {{flag}}_date IS NOT NULL
                 UNION SELECT {{flag}}_date + {FLAG_VALID_DAYS + 1} FROM m WHERE {{flag}}_date IS NOT NULL)
        SELECT day, 100.0 * count(*) FILTER (WHERE kpi_flag_on({{flag}}_yes, {{flag}}_date, day)) / count(*), count(*)
        FROM days JOIN m ON kpi_member_on(m.joined, m."left", day)
        GROUP BY day ORDER BY day""",
            """
        SELECT *, kpi_flag_on({flag}_yes, {flag}_date, $as_of) AS counted FROM members
        WHERE {filter} AND kpi_member_on(joined, "left", $as_of) ORDER BY counted DESC, name COLLATE sv, member_id""",
            needs_flag=True,
        ),
        Measure(
            "logins",
            "active_share_pct",
            "share",
            """
        WITH m AS (SELECT * FROM members), l AS (SELECT * FROM logins WHERE {filter}),
        days AS (SELECT joined AS day FROM m UNION SELECT "left" FROM m WHERE "left" IS NOT NULL
                 UNION SELECT date FROM l UNION SELECT date + $window FROM l)
        SELECT day, 100.0 * count(DISTINCT m.member_id) FILTER (WHERE l.member_id IS NOT NULL)
                    / count(DISTINCT m.member_id), count(DISTINCT m.member_id)
        FROM days JOIN m ON kpi_member_on(m.joined, m."left", day)
        LEFT JOIN l ON l.member_id = m.member_id AND l.date > day - $window AND l.date <= day
        GROUP BY day ORDER BY day""",
            """
        SELECT * FROM (
            SELECT m.member_id, m.name, m.category, m.kommun, m.joined, m."left", max(l.date) AS last_login,
                   max(l.date) IS NOT NULL AS counted, m._row
            FROM members m LEFT JOIN (SELECT * FROM logins WHERE {filter}) l
                 ON l.member_id = m.member_id AND l.date > $as_of - $window AND l.date <= $as_of
            WHERE kpi_member_on(m.joined, m."left", $as_of) GROUP BY ALL)
        ORDER BY counted DESC, name COLLATE sv, member_id""",
        ),
        Measure(
            "surveys",
            "yes_share_pct",
            "share",
            """
        WITH m AS (SELECT * FROM members), s AS (SELECT * FROM surveys WHERE {filter}),
        days AS (SELECT joined AS day FROM m UNION SELECT "left" FROM m WHERE "left" IS NOT NULL
                 UNION SELECT date FROM s UNION SELECT date + $window FROM s),
        latest AS (
            SELECT day, m.member_id, arg_max(s.answer, s.date) AS answer
            FROM days JOIN m ON kpi_member_on(m.joined, m."left", day)
            LEFT JOIN s ON s.member_id = m.member_id AND s.date > day - $window AND s.date <= day
            GROUP BY day, m.member_id)
        SELECT day, 100.0 * count(*) FILTER (WHERE answer = 'yes') / count(*), count(*) FROM latest
        GROUP BY day ORDER BY day""",
            """
        SELECT * FROM (
            SELECT m.member_id, m.name, m.category, m.kommun, m.joined, m."left",
                   arg_max(s.answer, s.date) AS answer, max(s.date) AS answered,
                   coalesce(arg_max(s.answer, s.date) = 'yes', false) AS counted, m._row
            FROM members m LEFT JOIN (SELECT * FROM surveys WHERE {filter}) s
                 ON s.member_id = m.member_id AND s.date > $as_of - $window AND s.date <= $as_of
            WHERE kpi_member_on(m.joined, m."left", $as_of) GROUP BY ALL)
        ORDER BY counted DESC, name COLLATE sv, member_id""",
        ),
        Measure(
            "agreements",
            "active_count",
            "level",
            """
        WITH a AS (SELECT * FROM agreements WHERE {filter} AND status IN ('active', 'ended') AND signed IS NOT NULL),
        days AS (SELECT signed AS day FROM a UNION SELECT ends + 1 FROM a WHERE ends IS NOT NULL)
        SELECT day, count(DISTINCT a.kommun) FILTER (WHERE kpi_agreement_on(a.status, a.signed, a.ends, day))
        FROM days CROSS JOIN a GROUP BY day ORDER BY day""",
            """
        SELECT * FROM agreements WHERE {filter} AND kpi_agreement_on(status, signed, ends, $as_of)
        ORDER BY kommun COLLATE sv, signed""",
            dated_facts=True,
        ),
        Measure(
            "activities",
            "count",
            "events",
            """
        SELECT date, count(*) FROM activities WHERE {filter} GROUP BY date ORDER BY date""",
            """
        SELECT * FROM activities WHERE {filter} AND date BETWEEN $start AND $as_of ORDER BY date, title""",
            default_where=(("planned", ("no",)),),
        ),
        Measure(
            "activities",
            "attendance_pct",
            "per_meeting",
            """
        WITH counted AS (
            SELECT a.date, a.members_present,
                   (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date)) AS members
            FROM activities a WHERE {filter} AND a.planned = 'no' AND a.members_present IS NOT NULL)
        SELECT date, 100.0 * sum(members_present) / sum(members) FROM counted WHERE members > 0
        GROUP BY date ORDER BY date""",
            """
        SELECT * FROM (
            SELECT a.*, (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date)) AS members
            FROM activities a WHERE {filter} AND a.planned = 'no' AND a.members_present IS NOT NULL
              AND a.date <= $as_of)
        WHERE members > 0 ORDER BY date DESC, title""",
            stepwise=False,
            default_where=(("type", MEETING_TYPES),),
        ),
        Measure(
            "activities",
            "year_attendance_pct",
            "per_meeting",
            """
        WITH counted AS (
            SELECT a.date, a.members_present,
                   (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date)) AS members
            FROM activities a WHERE {filter} AND a.planned = 'no' AND a.members_present IS NOT NULL),
        per_day AS (SELECT date, sum(members_present) AS present, sum(members) AS members FROM counted
                    WHERE members > 0 GROUP BY date)
        SELECT date, 100.0 * sum(present) OVER w / sum(members) OVER w FROM per_day
        WINDOW w AS (PARTITION BY year(date) ORDER BY date) ORDER BY date""",
            """
        WITH held AS (
            SELECT a.*, (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date)) AS members
            FROM activities a WHERE {filter} AND a.planned = 'no' AND a.members_present IS NOT NULL
              AND a.date <= $as_of)
        SELECT * FROM held WHERE members > 0 AND year(date) = (SELECT max(year(date)) FROM held WHERE members > 0)
        ORDER BY date DESC, title""",
            stepwise=False,
            default_where=(("type", MEETING_TYPES),),
        ),
        Measure(
            "milestones",
            "done_share_pct",
            "share",
            """
        WITH ms AS (SELECT * FROM milestones WHERE {filter}),
        days AS (SELECT done AS day FROM ms WHERE done IS NOT NULL
                 UNION SELECT CAST($start AS DATE) WHERE $start IS NOT NULL)
        SELECT day, 100.0 * count(*) FILTER (WHERE ms.done <= day) / count(*), count(*)
        FROM days CROSS JOIN ms GROUP BY day ORDER BY day""",
            """
        SELECT *, kpi_milestone_state(done, due, $as_of) AS status FROM milestones WHERE {filter}
        ORDER BY list_position(['overdue', 'open', 'done'], kpi_milestone_state(done, due, $as_of)), due, milestone""",
        ),
    )
}


def _generic_measures(register: Register) -> list[Measure]:
    """``count`` and ``sum_<column>`` for a register that dates its rows (``date_column``): events
    counted by that date, so a new register needs no SQL of its own. Identifiers come from the
    register's definition (kpi.model.registers), never from a file or targets.yaml."""
    date = register.date_column
    if date is None:
        return []
    table, day = register.name, f'"{date}"'
    rows = "SELECT * FROM " + table + " WHERE {filter} AND " + day + " BETWEEN $start AND $as_of ORDER BY " + day
    found = [
        Measure(
            table,
            "count",
            "events",
            "SELECT " + day + ", count(*) FROM " + table + " WHERE {filter} GROUP BY 1 ORDER BY 1",
            rows,
        )
    ]
    for column in register.columns:
        if column.kind == "count":
            cell = f'"{column.name}"'
            found.append(
                Measure(
                    table,
                    "sum_" + column.name,
                    "events",
                    "SELECT "
                    + day
                    + ", sum("
                    + cell
                    + ") FROM "
                    + table
                    + " WHERE {filter} AND "
                    + cell
                    + " IS NOT NULL GROUP BY 1 ORDER BY 1",
                    rows,
                )
            )
    return found


for _register in REGISTERS.values():
    for _measure in _generic_measures(_register):
        MEASURES.setdefault((_measure.register, _measure.name), _measure)

# Which aggregation a measure's values are meant for (a mismatch is reported as a warning).
_AGGREGATION_FOR = {"level": "latest", "share": "latest", "per_meeting": "latest", "events": "year_to_date"}


# --- loading --------------------------------------------------------------------------------------


def load_registers(dataset: Dataset) -> None:
    """Read the register files and add one series per register-based metric to ``dataset``.

    Called by :func:`kpi.read.load.load_dataset`. Every register table exists afterwards (empty if its
    file is absent), so the listings below always work. A missing file is a problem only when a
    metric in targets.yaml uses that register.
    """
    con = dataset.con
    con.execute(_MACROS)
    con.execute('CREATE OR REPLACE TABLE register_columns (register VARCHAR, "column" VARCHAR)')
    for register in REGISTERS.values():
        ddl = ", ".join(f'"{name}" {sql_type}' for name, sql_type in _table_columns(register))
        con.execute("CREATE OR REPLACE TABLE " + register.name + " (" + ddl + ")")

    users = _register_users(dataset.config.metrics)
    for register in REGISTERS.values():
        _load_register(dataset, register, users.get(register.name, []))
    _check_attendance(dataset)
    _check_member_references(dataset)

    for metric in dataset.config.metrics:
        if metric.source is None:
            continue
        series = metric_series(dataset, metric, problems=dataset.problems)
        if series is not None:
            dataset.series[metric.id] = series


def _register_users(metrics: Iterable[Metric]) -> dict[str, list[str]]:
    """Which metrics need which register (attendance also needs the member list)."""
    users: dict[str, list[str]] = {}
    for metric in metrics:
        if metric.source is None:
            continue
        users.setdefault(metric.source.register_name, []).append(metric.id)
        if _needs_members(metric.source.register_name, metric.source.measure):
            users.setdefault("members", []).append(metric.id)
    return users


_ATTENDANCE = {("activities", "attendance_pct"), ("activities", "year_attendance_pct")}


def _needs_members(register: str, measure: str) -> bool:
    """Measures over another register whose denominator is the member list."""
    return register in ("logins", "surveys") or (register, measure) in _ATTENDANCE


def has_register(dataset: Dataset, name: str) -> bool:
    """Whether the register's file was found and read with its required columns (some rows may
    still have had problems): only then are its numbers computed and its listings shown."""
    return bool(
        _run(dataset.con.cursor(), "SELECT count(*) FROM register_columns WHERE register = $r", {"r": name}).fetchall()[
            0
        ][0]
    )


def _load_register(dataset: Dataset, register: Register, used_by: list[str]) -> None:
    path = dataset.data_dir / register.file
    label = file_label(path, dataset.data_dir)
    if not path.is_file():
        if used_by:
            dataset.problems.append(
                Problem(label, "register_missing", params={"register": register.name, "metrics": ", ".join(used_by)})
            )
        return
    info = FileInfo(label, path, register.name, modified_time(path))
    dataset.files.append(info)
    raw_name = "raw_" + register.name
    before = len(dataset.problems)
    try:
        _read_register(dataset, register, info, raw_name)
    except Exception as exc:  # noqa: BLE001 - one unforeseen file must not take down every page
        _log.exception("reading %s failed; the other files are loaded", label)
        info.rows = 0
        del dataset.problems[before:]  # what the file said before it failed is not to be trusted
        dataset.problems.append(unreadable(label, exc))
        # As if the file were not readable at all: no table rows, no columns, so no metric uses it.
        forget_file(dataset.con, (raw_name,))
        dataset.con.execute("DELETE FROM " + register.name)
        dataset.con.execute("DELETE FROM register_columns WHERE register = $r", {"r": register.name})


def _read_register(dataset: Dataset, register: Register, info: FileInfo, raw_name: str) -> None:
    raw = read_table(dataset.con, info.path, info.label, raw_name, dataset.problems)
    if raw is None:
        return
    info.rows, info.encoding, info.delimiter = raw.rows, raw.encoding, raw.delimiter
    rows = _checked_rows(dataset.con, register, raw, dataset.config, dataset.today, dataset.problems)
    dataset.con.execute("DROP TABLE IF EXISTS " + raw_name)
    if rows is None:
        return
    dataset.con.execute(
        "INSERT INTO register_columns SELECT $register, unnest($columns::VARCHAR[])",
        {"register": register.name, "columns": [c for c in raw.columns if c in register.column_names]},
    )
    _store(dataset.con, register, rows)


def _checked_rows(
    con, register: Register, raw: RawTable, config: Config, today: dt.date, problems: list[Problem]
) -> list[dict[str, Any]] | None:
    """The header checks, then every row read and checked; ``None`` if a required column is missing."""
    missing = [column.name for column in register.columns if column.required and column.name not in raw.columns]
    for name in missing:
        problems.append(
            Problem(
                raw.label, "missing_column", row=1, column=name, params={"name": name, "found": ", ".join(raw.header)}
            )
        )
    for name in raw.columns:
        if name not in register.column_names and not name.startswith("column_"):
            problems.append(
                Problem(
                    raw.label,
                    "register_unknown_column",
                    row=1,
                    column=name,
                    severity="warning",
                    params={"name": name, "register": register.name, "known": ", ".join(register.column_names)},
                )
            )
    if missing:
        return None
    cursor = con.execute("SELECT * FROM " + raw.name + " ORDER BY _row")
    names = [item[0] for item in cursor.description]
    records = [dict(zip(names, values)) for values in cursor.fetchall()]
    checker = _RowChecker(register, raw.label, config, today, problems)
    return [row for row in (checker.check(record) for record in records) if row is not None]


def check_register_table(
    con, register_name: str, raw: RawTable, config: Config, today: dt.date, problems: list[Problem]
) -> pd.DataFrame | None:
    """Judge one register table already read into ``con`` (an upload, a form) by the loader's rules.

    Returns the rows that pass, as read (codes normalised, dates as ``datetime.date``, ``row`` the
    file's row number), or ``None`` when a required column is missing. Checks across registers
    (members present at a meeting against the member list) need the whole data folder and are
    made by :func:`load_registers` only.
    """
    register = REGISTERS[register_name]
    rows = _checked_rows(con, register, raw, config, today, problems)
    if rows is None:
        return None
    columns = list(register.column_names) + (["kommunkod"] if register.name == "members" else [])
    return pd.DataFrame(
        [{**{name: row.get(name) for name in columns}, "row": row["_row"]} for row in rows], columns=[*columns, "row"]
    )


class _RowChecker:
    """Reads one record's cells by their column kinds and applies the register's own rules."""

    def __init__(self, register: Register, label: str, config: Config, today: dt.date, problems: list[Problem]):
        self.register, self.label, self.problems = register, label, problems
        self.today = today
        try:
            self.limit = self.today.replace(year=self.today.year + FAR_FUTURE_YEARS)
        except ValueError:  # 29 February
            self.limit = self.today.replace(year=self.today.year + FAR_FUTURE_YEARS, day=28)
        self.seen_ids: dict[str, int] = {}
        self.projects = {project.id: project for project in config.projects}

    def problem(self, _row: int, _at: str, _code: str, severity: Severity = "error", **params: Any) -> None:
        """Record problem ``_code`` at ``_row``, column ``_at`` (``params`` may use any other name)."""
        self.problems.append(Problem(self.label, _code, row=_row, column=_at, severity=severity, params=params))

    def check(self, record: dict[str, Any]) -> dict[str, Any] | None:
        row_number = int(record["_row"])
        row: dict[str, Any] = {"_row": row_number}
        ok = True
        for column in self.register.columns:
            text = record.get(column.name)
            text = text.strip() if isinstance(text, str) else None
            if not text:
                if column.needed:
                    self.problem(row_number, column.name, "empty_cell", value="")
                    ok = False
                if column.kind != "kommunkod":  # agreements: the code comes from the kommun cell
                    row[column.name] = None
                if column.kind == "flag":
                    row[column.name + "_yes"], row[column.name + "_date"] = False, None
                continue
            ok = self._cell(row, column, text, row_number) and ok
        if ok:
            # The register's own rules across its cells, where it has any (a register without them
            # is checked by its columns' kinds alone).
            rules = getattr(self, "_rules_" + self.register.name, None)
            ok = rules(row, row_number) if rules is not None else True
        return row if ok else None

    def _cell(self, row: dict[str, Any], column: Column, text: str, row_number: int) -> bool:
        name, kind = column.name, column.kind
        if kind == "text":
            row[name] = text
        elif kind in ("date", "done"):
            day = parse_file_date(text)
            if day is None:
                self.problem(row_number, name, "register_done_not_date" if kind == "done" else "bad_date", value=text)
                return False
            if day > self.limit:
                self.problem(
                    row_number, name, "register_far_future", value=day.isoformat(), limit=self.limit.isoformat()
                )
                return False
            row[name] = day
        elif kind == "code":
            code = normalise_code(name, text)
            if code is None:
                self.problem(
                    row_number, name, "register_unknown_value", value=text, column=name, allowed=", ".join(_CODES[name])
                )
                return False
            row[name] = code
        elif kind == "kommun":
            code = normalise_kommun(text)
            if code is None:
                suggestion = _kommun_suggestion(text)
                if suggestion:
                    self.problem(row_number, name, "register_unknown_kommun_near", value=text, suggestion=suggestion)
                else:
                    self.problem(row_number, name, "register_unknown_kommun", value=text)
                return False
            row[name] = municipalities()[code]
            row["kommunkod"] = code
        elif kind == "kommunkod":
            code = text.zfill(4) if text.isdigit() else text
            if code not in municipalities():
                self.problem(row_number, name, "register_unknown_kommunkod", value=text)
                return False
            row["_kommunkod_given"] = code
        elif kind == "yesno":
            value = yes_no(text)
            if value is None:
                self.problem(row_number, name, "register_unknown_value", value=text, column=name, allowed="yes, no")
                return False
            row[name] = value
        elif kind == "count":
            number = parse_number(text)
            if number is None or number < 0 or not float(number).is_integer():
                self.problem(row_number, name, "register_bad_count", value=text)
                return False
            row[name] = int(number)
        elif kind == "flag":
            value, date = yes_no(text), parse_file_date(text)
            if value is None and date is None:
                self.problem(row_number, name, "register_bad_flag", value=text)
                return False
            if date is not None and date > self.today:
                self.problem(
                    row_number,
                    name,
                    "register_date_after_today",
                    severity="warning",
                    value=date.isoformat(),
                    today=self.today.isoformat(),
                )
            row[name] = value or (date.isoformat() if date else None)
            row[name + "_yes"], row[name + "_date"] = value == "yes", date
        return True

    def _rules_members(self, row: dict[str, Any], row_number: int) -> bool:
        member_id = row["member_id"]
        if member_id in self.seen_ids:
            self.problem(
                row_number, "member_id", "register_duplicate_id", value=member_id, other=self.seen_ids[member_id]
            )
            return False
        if row["left"] is not None and row["left"] < row["joined"]:
            self.problem(
                row_number,
                "left",
                "register_left_before_joined",
                left=row["left"].isoformat(),
                joined=row["joined"].isoformat(),
            )
            return False
        self.seen_ids[member_id] = row_number
        if row["left"] is not None and row.get("leave_reason") is None:
            self.problem(row_number, "leave_reason", "register_leave_reason_missing", severity="warning")
            row["leave_reason"] = "other"
        return True

    def _rules_agreements(self, row: dict[str, Any], row_number: int) -> bool:
        given = row.pop("_kommunkod_given", None)
        if given is not None and given != row["kommunkod"]:
            self.problem(
                row_number,
                "kommunkod",
                "register_kommunkod_mismatch",
                value=given,
                name=municipalities()[given],
                kommun=row["kommun"],
                code=row["kommunkod"],
            )
            return False
        if row["status"] in SIGNED_STATUSES and row["signed"] is None:
            self.problem(row_number, "signed", "register_signed_missing", status=row["status"])
            return False
        if row["status"] == "ended" and row["ends"] is None:
            self.problem(row_number, "ends", "register_ends_missing")
            return False
        if row["signed"] is not None and row["ends"] is not None and row["ends"] < row["signed"]:
            self.problem(
                row_number,
                "ends",
                "register_ends_before_signed",
                ends=row["ends"].isoformat(),
                signed=row["signed"].isoformat(),
            )
            return False
        return True

    def _rules_activities(self, row: dict[str, Any], row_number: int) -> bool:
        # An empty "planned" cell means the activity took place: the plan's rows are marked "yes".
        row["planned"] = row.get("planned") or "no"
        if row["planned"] == "no" and row["date"] > self.today:
            self.problem(
                row_number,
                "planned",
                "register_done_in_future",
                severity="warning",
                value=row["date"].isoformat(),
                today=self.today.isoformat(),
            )
        return True

    def _dated_after_today(self, row: dict[str, Any], row_number: int) -> None:
        if row["date"] > self.today:
            self.problem(
                row_number,
                "date",
                "register_date_after_today",
                severity="warning",
                value=row["date"].isoformat(),
                today=self.today.isoformat(),
            )

    def _rules_logins(self, row: dict[str, Any], row_number: int) -> bool:
        self._dated_after_today(row, row_number)
        return True

    def _rules_surveys(self, row: dict[str, Any], row_number: int) -> bool:
        # One answer per member, survey and question: a second one would make "the answer" ambiguous.
        key = f"{row['member_id']}|{row['date'].isoformat()}|{row['question']}"
        if key in self.seen_ids:
            self.problem(row_number, "answer", "register_duplicate_answer", other=self.seen_ids[key])
            return False
        self.seen_ids[key] = row_number
        self._dated_after_today(row, row_number)
        return True

    def _rules_milestones(self, row: dict[str, Any], row_number: int) -> bool:
        if row.get("id"):
            if row["id"] in self.seen_ids:
                self.problem(row_number, "id", "register_duplicate_id", value=row["id"], other=self.seen_ids[row["id"]])
                return False
            self.seen_ids[row["id"]] = row_number
        if row["done"] is not None and row["done"] > self.today:
            self.problem(
                row_number,
                "done",
                "register_date_after_today",
                severity="warning",
                value=row["done"].isoformat(),
                today=self.today.isoformat(),
            )
        if self.projects:
            project = _project_id(self.projects, row["project"])
            if project is None:
                self.problem(
                    row_number,
                    "project",
                    "register_unknown_project",
                    severity="warning",
                    value=row["project"],
                    known=", ".join(self.projects),
                )
            else:
                row["project"] = project
                packages = {package.id: package for package in self.projects[project].packages}
                if row["package"] and packages:
                    package = _package_id(packages, row["package"])
                    if package is None:
                        self.problem(
                            row_number,
                            "package",
                            "register_unknown_package",
                            severity="warning",
                            value=row["package"],
                            project=project,
                            known=", ".join(packages),
                        )
                    else:
                        row["package"] = package
        return True


def _project_id(projects: dict, text: str) -> str | None:
    """A project named by its id or by its name in either language, as staff may write it."""
    key = text.casefold()
    for project_id, project in projects.items():
        if key in {project_id.casefold(), project.name.sv.casefold(), (project.name.en or "").casefold()}:
            return project_id
    return None


def _package_id(packages: dict, text: str) -> str | None:
    key = text.casefold()
    for package_id, package in packages.items():
        if key in {package_id.casefold(), package.name.sv.casefold(), (package.name.en or "").casefold()}:
            return package_id
    return None


def _store(con, register: Register, rows: list[dict[str, Any]]) -> None:
    """Insert checked rows into the typed table (values as text, cast by DuckDB: no guessing)."""
    if not rows:
        return
    columns = _table_columns(register)
    frame = pd.DataFrame({name: [_as_text(row.get(name)) for row in rows] for name, _ in columns}, dtype="string")
    casts = ", ".join(f'CAST("{name}" AS {sql_type})' for name, sql_type in columns)
    con.register("_register_rows", frame)
    try:
        con.execute("INSERT INTO " + register.name + " SELECT " + casts + " FROM _register_rows")
    finally:
        con.unregister("_register_rows")


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _check_attendance(dataset: Dataset) -> None:
    """More members present than there were members that day: the row is reported and left out."""
    if not has_register(dataset, "members"):
        return
    label = next((info.label for info in dataset.files if info.kind == "activities"), "activities.csv")
    bad = dataset.con.execute("""
        SELECT _row, date, members_present, members FROM (
            SELECT a._row, a.date, a.members_present,
                   (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date)) AS members
            FROM activities a WHERE a.members_present IS NOT NULL)
        WHERE members_present > members ORDER BY _row
    """).fetchall()
    for row, date, present, members in bad:
        dataset.problems.append(
            Problem(
                label,
                "register_too_many_present",
                row=row,
                column="members_present",
                params={"present": present, "members": members, "date": date.isoformat()},
            )
        )
    if bad:
        dataset.con.execute("DELETE FROM activities WHERE list_contains($rows, _row)", {"rows": [b[0] for b in bad]})


def _check_member_references(dataset: Dataset) -> None:
    """A login or a survey answer of a member id the member list does not have: a warning (the
    row cannot count, since every share is of the members on the day)."""
    if not has_register(dataset, "members"):
        return
    for name in ("logins", "surveys"):
        if not has_register(dataset, name):
            continue
        label = next((info.label for info in dataset.files if info.kind == name), name + ".csv")
        unknown = dataset.con.execute(
            "SELECT _row, member_id FROM "
            + name
            + " WHERE member_id NOT IN (SELECT member_id FROM members) ORDER BY _row"
        ).fetchall()
        for row, member_id in unknown:
            dataset.problems.append(
                Problem(
                    label,
                    "register_unknown_member",
                    row=row,
                    column="member_id",
                    severity="warning",
                    params={"value": member_id},
                )
            )


# --- metrics from registers -------------------------------------------------------------------------


def metric_source_problems(metric: Metric, config: Config | None = None) -> list[Problem]:
    """What is wrong with a metric's ``source:`` (unknown register, measure, where column or value;
    with ``config``, a milestone project that is not among its projects)."""
    source = metric.source
    if source is None:
        return []
    problems: list[Problem] = []

    def add(code: str, field: str, **params: Any) -> None:
        problems.append(Problem("targets.yaml", code, column=f"source.{field}", params={"metric": metric.id, **params}))

    register = REGISTERS.get(source.register_name)
    if register is None:
        add("register_unknown_register", "register", value=source.register_name, known=", ".join(REGISTERS))
        return problems
    measure = MEASURES.get((register.name, source.measure))
    if measure is None:
        known = ", ".join(name for reg, name in MEASURES if reg == register.name)
        add("register_unknown_measure", "measure", value=source.measure, register=register.name, known=known)
        return problems
    for column, values in source.where.items():
        if column not in register.filters:
            add(
                "register_unknown_where",
                "where",
                value=column,
                register=register.name,
                known=", ".join(register.filters),
            )
            continue
        for value in [values] if isinstance(values, str) else values:
            if where_value(register, column, value) is None:
                add(
                    "register_bad_where_value",
                    f"where.{column}",
                    value=value,
                    column=column,
                    allowed=_allowed_text(register, column),
                )
            elif (
                (register.name, column) == ("milestones", "project")
                and config is not None
                and config.projects
                and _project_id({p.id: p for p in config.projects}, value) is None
            ):
                add(
                    "register_bad_where_value",
                    "where.project",
                    value=value,
                    column=column,
                    allowed=", ".join(p.id for p in config.projects),
                )
    if register.name == "surveys" and "question" not in source.where:
        add("register_question_needed", "where", register=register.name)
    if measure.needs_flag and source.flag not in FLAG_COLUMNS:
        add("register_flag_needed", "flag", value=source.flag or "", known=", ".join(FLAG_COLUMNS))
    wanted = _AGGREGATION_FOR[measure.kind]
    if metric.kind_of.has_targets and metric.aggregation != wanted:
        problems.append(
            Problem(
                "targets.yaml",
                "register_aggregation",
                column="aggregation",
                severity="warning",
                params={"metric": metric.id, "measure": f"{register.name}.{measure.name}", "aggregation": wanted},
            )
        )
    return problems


def where_value(register: Register, column: str, value: str) -> str | None:
    kind = register.column(column).kind
    if kind == "code":
        return normalise_code(column, value)
    if kind == "kommun":
        code = normalise_kommun(value)
        return municipalities()[code] if code else None
    if kind == "yesno":
        return yes_no(value)
    return value.strip()


def _allowed_text(register: Register, column: str) -> str:
    kind = register.column(column).kind
    if kind == "code":
        return ", ".join(_CODES[column])
    if kind == "yesno":
        return "yes, no"
    return "—"


def _where(metric: Metric, measure: Measure, dataset: Dataset | None = None) -> dict[str, list[str]]:
    """The metric's ``where`` with values normalised to codes; a measure's default applies if unset."""
    register = REGISTERS[measure.register]
    where: dict[str, list[str]] = {column: list(values) for column, values in measure.default_where}
    for column, values in metric.register_source.where.items():
        values = [values] if isinstance(values, str) else values
        # metric_source_problems has refused unknown values before any query is built
        where[column] = [where_value(register, column, value) or value for value in values]
    if measure.register == "milestones" and dataset is not None and dataset.config.projects:
        # Milestone rows were normalised to project and package ids; so are the filter values.
        projects = {project.id: project for project in dataset.config.projects}
        if "project" in where:
            where["project"] = [_project_id(projects, value) or value for value in where["project"]]
        if "package" in where:
            packages = {package.id: package for project in dataset.config.projects for package in project.packages}
            where["package"] = [_package_id(packages, value) or value for value in where["package"]]
    return where


def _filter(where: dict[str, list[str]], alias: str = "") -> tuple[str, dict[str, Any]]:
    """A SQL predicate over whitelisted columns; the values travel as parameters ``$w0``, ``$w1`` …"""
    parts, params = ["TRUE"], {}
    for index, (column, values) in enumerate(sorted(where.items())):
        if not re.fullmatch(r"[a-z_]+", column):  # already checked against the register's filters
            raise ValueError(column)
        parts.append(f'list_contains($w{index}, {alias}"{column}")')
        params[f"w{index}"] = [str(value) for value in values]
    return " AND ".join(parts), params


def _run(con, sql: str, params: dict[str, Any]):
    """Execute with only the named parameters the statement uses (DuckDB refuses extra ones)."""
    used = set(re.findall(r"\$(\w+)", sql))
    return con.execute(sql, {name: value for name, value in params.items() if name in used})


def _measure_sql(template: str, where: dict[str, list[str]], flag: str | None, attendance: bool) -> tuple[str, dict]:
    predicate, params = _filter(where, "a." if attendance else "")
    return template.replace("{filter}", predicate).replace("{flag}", flag or "uses_member_pages"), params


def metric_series(dataset: Dataset, metric: Metric, problems: list[Problem] | None = None) -> Series | None:
    """The series of a register-based metric, or ``None`` (with problems) when it cannot be computed."""
    found = metric_source_problems(metric, dataset.config)
    if problems is not None:
        problems.extend(found)
    if any(problem.severity == "error" for problem in found):
        return None
    source = metric.register_source
    measure = MEASURES[(source.register_name, source.measure)]
    if not has_register(dataset, measure.register) or (
        _needs_members(measure.register, measure.name) and not has_register(dataset, "members")
    ):
        return None
    if measure.needs_flag and not has_column(dataset, "members", source.flag):
        if problems is not None:
            label = next(info.label for info in dataset.files if info.kind == "members")
            problems.append(
                Problem(
                    label,
                    "register_flag_column_missing",
                    row=1,
                    column=source.flag,
                    params={"metric": metric.id, "name": source.flag},
                )
            )
        return None
    where = _where(metric, measure, dataset)
    sql, params = _measure_sql(measure.series_sql, where, source.flag, measure.kind == "per_meeting")
    params["start"] = _series_start(dataset, metric)
    params["window"] = source.window_days or WINDOW_DAYS
    # Values up to today only: a series is what has happened (a flag expiring next spring has not);
    # a measure's dated facts (an agreement ending) count on their own dates.
    rows = [
        row
        for row in _run(dataset.con.cursor(), sql, params).fetchall()
        if measure.dated_facts or row[0] <= dataset.today
    ]
    dates = np.array([row[0] for row in rows], dtype="datetime64[D]")
    values = np.array([float(row[1]) for row in rows], dtype="float64")
    # A share of members (or milestones) moves in steps of one row of its denominator: 1 of 160
    # members is 0.625 %. The rule judges the expected share in those whole steps.
    steps = np.array([100.0 / row[2] for row in rows], dtype="float64") if measure.kind == "share" else None
    if metric.kind_of.done_or_not and measure.kind == "share":
        values = (values >= 100.0 - 1e-9).astype("float64")  # the goal is done when every row is done
        steps = None
    return Series(dates, values, stepwise=measure.stepwise, known_until=dataset.today, steps=steps)


def has_column(dataset: Dataset, register: str, column: str | None) -> bool:
    """Whether an optional column was in the register's file (an absent flag column is not "no")."""
    return bool(
        _run(
            dataset.con.cursor(),
            'SELECT count(*) FROM register_columns WHERE register = $r AND "column" = $c',
            {"r": register, "c": column},
        ).fetchall()[0][0]
    )


def _series_start(dataset: Dataset, metric: Metric) -> dt.date | None:
    """Where a share of milestones starts at 0 %: the metric's baseline, else its project's start."""
    if metric.baseline is not None:
        return metric.baseline.date
    project_ids = metric.source.where.get("project") if metric.source else None
    project_id = metric.project or (
        project_ids
        if isinstance(project_ids, str)
        else project_ids[0]
        if project_ids and len(project_ids) == 1
        else None
    )
    for project in dataset.config.projects:
        if project.id == project_id:
            return project.start
    return None


def rows_behind(dataset: Dataset, metric_id: str, as_of: dt.date) -> pd.DataFrame:
    """The register rows behind a register-based metric's value at ``as_of``: "which ones?".

    Levels list the rows counted on ``as_of`` (members, agreements in force); event counts with
    ``aggregation: year_to_date`` the events from 1 January to ``as_of``; shares list every row of
    the denominator with ``counted`` (members) or ``status`` (milestones); attendance lists the
    meetings up to ``as_of``, newest first (the first row is the value shown).
    """
    metric = dataset.config.metric(metric_id)
    if metric.source is None or any(p.severity == "error" for p in metric_source_problems(metric)):
        return pd.DataFrame()
    measure = MEASURES[(metric.source.register_name, metric.source.measure)]
    where = _where(metric, measure, dataset)
    sql, params = _measure_sql(measure.rows_sql, where, metric.source.flag, measure.kind == "per_meeting")
    # The rows behind the value: counted on the day the value is (min(T, today); a measure with
    # dated facts, such as agreements ending, on T itself).
    params["as_of"] = as_of if measure.dated_facts else min(as_of, dataset.today)
    params["window"] = metric.source.window_days or WINDOW_DAYS
    if measure.kind == "events":
        if metric.aggregation == "year_to_date":
            params["start"] = dt.date(as_of.year, 1, 1)
        else:
            series = dataset.series.get(metric_id, Series.empty())
            cut = int(np.searchsorted(series.dates, np.datetime64(as_of), side="right"))
            params["start"] = series.dates[cut - 1].astype(dt.date) if cut else as_of
    if measure.needs_flag and not has_column(dataset, "members", metric.source.flag):
        return pd.DataFrame()
    frame = _run(dataset.con.cursor(), sql, params).df()
    if measure.kind == "per_meeting" and len(frame):
        frame["attendance_pct"] = 100.0 * frame["members_present"] / frame["members"]
    return tidy(frame)


# --- register rows as frames (the listings for the pages and reports are in kpi.show.listings) --------

_HIDDEN = {
    "uses_member_pages_yes",
    "uses_member_pages_date",
    "increased_profitability_yes",
    "increased_profitability_date",
    "kommunkod_given",
}


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ``datetime.date`` (``None`` when empty), ``_row`` as ``row``, helper columns dropped."""
    frame = frame.drop(columns=[c for c in frame.columns if c in _HIDDEN]).rename(columns={"_row": "row"})
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = pd.Series(
                [None if pd.isna(v) else v.date() for v in frame[column]], index=frame.index, dtype="object"
            )
        elif pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            # Text as plain Python strings with None for empty cells (pandas 3 would use NaN).
            values = frame[column].astype(object)
            frame[column] = pd.Series([None if is_missing(v) else v for v in values], index=frame.index, dtype="object")
    for column in ("members", "members_present", "participants", "row", "milestones", "done", "overdue", "open"):
        if column in frame.columns and pd.api.types.is_float_dtype(frame[column]) and not frame[column].isna().any():
            frame[column] = frame[column].astype("int64")
    return frame.reset_index(drop=True)


def query(dataset: Dataset, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    return tidy(_run(dataset.con.cursor(), sql, params or {}).df())
