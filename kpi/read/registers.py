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

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

import pandas as pd

from kpi.model.dataset import Dataset, FileInfo
from kpi.model.problems import Problem, Severity
from kpi.model.registers import REGISTERS, Column, Register
from kpi.model.targets import Config, Metric
from kpi.read.measures import (
    has_register,
    metric_series,
    needs_members,
)
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
from kpi.read.vocab import (
    CODES,
    FAR_FUTURE_YEARS,
    FLAG_VALID_DAYS,
    SIGNED_STATUSES,
    kommun_suggestion,
    municipalities,
    normalise_code,
    normalise_kommun,
    package_id,
    project_id,
    yes_no,
)

_log = logging.getLogger(__name__)

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
    WHEN done IS NOT NULL AND done <= d THEN 'done' WHEN due <= d THEN 'overdue' ELSE 'open' END;
"""


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
        if needs_members(metric.source.register_name, metric.source.measure):
            users.setdefault("members", []).append(metric.id)
    return users


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


# How far ahead an agreement's end may be before the loader asks whether the year is right.
AGREEMENT_ENDS_YEARS = 10


class _RowChecker:
    """Reads one record's cells by their column kinds and applies the register's own rules."""

    def __init__(self, register: Register, label: str, config: Config, today: dt.date, problems: list[Problem]):
        self.register, self.label, self.problems = register, label, problems
        self.today = today
        try:
            self.limit = self.today.replace(year=self.today.year + FAR_FUTURE_YEARS)
        except ValueError:  # 29 February
            self.limit = self.today.replace(year=self.today.year + FAR_FUTURE_YEARS, day=28)
        # An agreement's end is a plan, not an event: municipal agreements often run three or
        # four years, so the two-year typo guard does not apply; a year more than ten ahead is
        # still asked about.
        self.ends_limit = dt.date(self.today.year + AGREEMENT_ENDS_YEARS, 12, 31)
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
            if self.register.name == "agreements" and name == "ends":
                if day > self.ends_limit:
                    self.problem(
                        row_number,
                        name,
                        "register_ends_far_future",
                        value=day.isoformat(),
                        limit=self.ends_limit.isoformat(),
                    )
                    return False
            elif day > self.limit:
                self.problem(
                    row_number, name, "register_far_future", value=day.isoformat(), limit=self.limit.isoformat()
                )
                return False
            row[name] = day
        elif kind == "code":
            code = normalise_code(name, text)
            if code is None:
                self.problem(
                    row_number, name, "register_unknown_value", value=text, column=name, allowed=", ".join(CODES[name])
                )
                return False
            row[name] = code
        elif kind == "kommun":
            code = normalise_kommun(text)
            if code is None:
                suggestion = kommun_suggestion(text)
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
            project = project_id(self.projects, row["project"])
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
                    package = package_id(packages, row["package"])
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
