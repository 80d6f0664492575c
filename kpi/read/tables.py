"""One CSV reader for every table in the project: metrics files, registers and uploads.

Decode with :mod:`kpi.read.sniff`, parse the header ourselves, then let DuckDB read the body with
explicit columns. DuckDB is fast but skips blank lines and guesses on ragged files, so its result
is used only when its row count matches the file's line count (then every row number is exact);
otherwise Python's ``csv`` module reads the file and names the exact line that is wrong. Values
stay text until converted by the SQL macros below, which know decimal commas and Swedish
thousands separators.

Reading never writes to the data folder: DuckDB runs in memory, and re-encoded copies of
Windows-1252 files go to the system's temporary folder.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import datetime as dt
import io
import os
import re
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kpi.model.problems import DataError, Problem
from kpi.read.sniff import decode, detect_delimiter, first_line, normalise_line_ends, read_regular

# Numbers as people type them. Order matters: a lone comma is a decimal comma ("1,5" is one and
# a half, "1,234" is 1.234), as Swedish Excel writes it; grouped forms need both separators.
NUMBER_FORMS = (
    (r"[+-]?\d+(,\d+)?", "decimal_comma"),
    (r"[+-]?(\d+(\.\d*)?|\.\d+)", "decimal_point"),
    (r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", "dot_grouped"),
    (r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", "comma_grouped"),
)
_SPACES = "\u0020\u00a0\u202f\u2009\t"
DATE_FORM = r"\d{4}-\d{2}-\d{2}"
# Day first with slashes and a four-digit year, as the sidebar reads it (15/11/2026); month-first
# is never guessed and a two-digit year is refused (kpi.text.dates).
DAY_FIRST_FORM = r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})"

_MACROS = """
CREATE OR REPLACE TEMP MACRO kpi_clean(s) AS
    replace(regexp_replace(trim(s), '[\\s\\x{{00a0}}\\x{{202f}}\\x{{2009}}%]', '', 'g'), '\u2212', '-');
CREATE OR REPLACE TEMP MACRO kpi_number_forms(c) AS CASE
    WHEN regexp_full_match(c, '{decimal_comma}') THEN TRY_CAST(replace(c, ',', '.') AS DOUBLE)
    WHEN regexp_full_match(c, '{decimal_point}') THEN TRY_CAST(c AS DOUBLE)
    WHEN regexp_full_match(c, '{dot_grouped}') THEN TRY_CAST(replace(replace(c, '.', ''), ',', '.') AS DOUBLE)
    WHEN regexp_full_match(c, '{comma_grouped}') THEN TRY_CAST(replace(c, ',', '') AS DOUBLE)
    END;
-- Plain numbers (the vast majority) take one cheap check; the rest go through the forms above.
CREATE OR REPLACE TEMP MACRO kpi_number(s) AS CASE
    WHEN regexp_full_match(s, '-?[0-9]+(\\.[0-9]+)?') THEN CAST(s AS DOUBLE)
    WHEN regexp_full_match(s, '-?[0-9]+,[0-9]+') THEN CAST(replace(s, ',', '.') AS DOUBLE)
    ELSE kpi_number_forms(kpi_clean(s))
    END;
CREATE OR REPLACE TEMP MACRO kpi_date(s) AS CASE
    WHEN regexp_full_match(s, '{date}') THEN TRY_CAST(s AS DATE)
    WHEN regexp_full_match(regexp_replace(trim(s), '[ T]00:00(:00)?$', ''), '{date}')
    THEN TRY_CAST(regexp_replace(trim(s), '[ T]00:00(:00)?$', '') AS DATE)
    WHEN regexp_full_match(trim(s), '{day_first}')
    THEN TRY_CAST(regexp_replace(trim(s), '^{day_first}$', '\\3-\\2-\\1') AS DATE)
    END;
-- Fast paths for a whole column, equal to the macros above cell by cell (tests/test_fast_typing.py).
-- A date that DuckDB casts and writes back as the very same ten characters is a canonical
-- YYYY-MM-DD (years 1-9999 are written with four digits), which kpi_date reads with the same cast;
-- any other cell takes kpi_date itself.
CREATE OR REPLACE TEMP MACRO kpi_date_fast(s) AS CASE
    WHEN length(s) = 10 AND CAST(TRY_CAST(s AS DATE) AS VARCHAR) = s THEN TRY_CAST(s AS DATE)
    ELSE kpi_date(s)
    END;
-- In a ';' file (Swedish Excel) numbers are written with a decimal comma: try that form first.
CREATE OR REPLACE TEMP MACRO kpi_number_comma(s) AS CASE
    WHEN regexp_full_match(s, '-?[0-9]+(,[0-9]+)?') THEN CAST(replace(s, ',', '.') AS DOUBLE)
    ELSE kpi_number(s)
    END;
""".format(date=DATE_FORM, day_first=DAY_FIRST_FORM, **{name: pattern for pattern, name in NUMBER_FORMS})


def parse_number(text: str | float | int | None) -> float | None:
    """The same reading of a number as the SQL macro ``kpi_number``, for forms and single cells."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return None if isinstance(text, float) and np.isnan(text) else float(text)
    cleaned = "".join(ch for ch in str(text).strip() if ch not in _SPACES + "%").replace("\u2212", "-")
    for pattern, name in NUMBER_FORMS:
        if re.fullmatch(pattern, cleaned):
            if name == "decimal_comma":
                return float(cleaned.replace(",", "."))
            if name == "decimal_point":
                return float(cleaned)
            if name == "dot_grouped":
                return float(cleaned.replace(".", "").replace(",", "."))
            return float(cleaned.replace(",", ""))
    return None


def parse_file_date(text: str | dt.date | None) -> dt.date | None:
    """The same reading of a date as the SQL macro ``kpi_date``: ``YYYY-MM-DD`` or day first with
    slashes (``15/11/2026``), nothing looser."""
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    day_first = re.fullmatch(DAY_FIRST_FORM, str(text).strip())
    if day_first:
        day, month, year = (int(part) for part in day_first.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    cleaned = re.sub(r"[ T]00:00(:00)?$", "", str(text).strip())
    if not re.fullmatch(DATE_FORM, cleaned):
        return None
    try:
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        return None


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def sql_with(template: str, **identifiers: str) -> str:
    """Fill ``{name}`` slots in SQL with identifiers chosen by this code, never with user text.

    Table and column names cannot be query parameters, so they are spliced in here, each checked
    to be a plain lower-case identifier (or the keyword NULL); values always travel as ``?``.
    """
    for name, value in identifiers.items():
        if value != "NULL" and not _IDENTIFIER.fullmatch(value):
            raise ValueError(f"{name}={value!r} is not a plain SQL identifier")
    return template.format(**identifiers)


# Every connection this process opened and has not yet dropped, closed once at exit: a connection
# still held then (a cached dataset, a board pack) is otherwise torn down after its bindings, and
# DuckDB's bindings report it as "nanobind: leaked" on every run's last lines.
_OPEN: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the project's parsing macros; nothing is written to disk."""
    con = duckdb.connect(":memory:")
    con.execute(_MACROS)
    _OPEN.add(con)
    return con


@atexit.register
def _close_all() -> None:
    for con in list(_OPEN):
        with contextlib.suppress(duckdb.Error):  # already closed, or mid-query in a thread being torn down
            con.close()


# Swedish column names, as staff type them in Excel, and the column each one means. Matched after
# trimming and lower-casing; a file is read (and saved) with the English names, so one file never
# mixes both. Documented in docs/data-entry.md; every name is unambiguous across all file kinds.
SWEDISH_HEADERS: dict[str, str] = {
    # metrics files
    "mätetal": "metric",
    "datum": "date",
    "värde": "value",
    "anteckning": "note",
    "kommentar": "note",
    "källa": "source",
    # members
    "medlems-id": "member_id",
    "medlemsid": "member_id",
    "namn": "name",
    "kategori": "category",
    "inträde": "joined",
    "utträde": "left",
    "utträdesorsak": "leave_reason",
    "medlemssidorna": "uses_member_pages",
    "ökad lönsamhet": "increased_profitability",
    # agreements
    "undertecknat": "signed",
    "gäller till": "ends",
    # activities
    "typ": "type",
    "aktivitet": "title",
    "deltagare": "participants",
    "närvarande medlemmar": "members_present",
    "planerad": "planned",
    # milestones
    "projekt": "project",
    "arbetspaket": "package",
    "delmål": "milestone",
    "klart senast": "due",
    "klart": "done",
    "underlag": "evidence",
}


def normalise_header(name: str) -> str:
    """A header cell as the column it names: trimmed, lower case, a Swedish name translated."""
    cleaned = " ".join((name or "").strip().strip("\ufeff").strip().lower().split())
    return SWEDISH_HEADERS.get(cleaned, cleaned)


@dataclass
class RawTable:
    """A CSV file read as text into a DuckDB table ``name`` with a ``_row`` column (header = row 1)."""

    name: str
    label: str
    header: list[str]
    columns: list[str]
    rows: int
    encoding: str
    delimiter: str


# Bounds that keep a hostile file cheap to refuse (docs/data-entry.md, "Gränser"). A real data file
# is well under 1 MB with a dozen columns; these leave room for years of history.
MAX_DATA_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 200
MAX_CELL_CHARS = 5000
_CELL_BREAKS = re.compile(r"[;,\t\r\n]")


def read_table(
    con: duckdb.DuckDBPyConnection,
    source: Path | bytes,
    label: str,
    table: str,
    problems: list[Problem],
    max_rows: int | None = None,
) -> RawTable | None:
    """Read one CSV into table ``table``; on failure add problems and return ``None``.

    ``table`` is chosen by the caller from a fixed pattern (never from user input), which is why
    it may be spliced into SQL as an identifier; values always travel as parameters. Whatever the
    bytes are, the outcome is a table or problems, never an exception: one broken file must not
    take down every page that loads the data folder.
    """
    sql_with("{table}", table=table)  # refuse a bad internal name before reading anything
    try:
        return _read_table(con, source, label, table, problems, max_rows)
    except (csv.Error, duckdb.Error, ValueError, RecursionError) as exc:
        problems.append(Problem(label, "bad_csv", row=1, params={"detail": type(exc).__name__}))
        return None


def _too_large(source: bytes, label: str) -> Problem | None:
    size = len(source)
    if size <= MAX_DATA_BYTES:
        return None
    mb = 1024 * 1024
    return Problem(label, "data_too_large", params={"size": -(-size // mb), "limit": MAX_DATA_BYTES // mb})


def _long_cell(text: str, label: str) -> Problem | None:
    """The first run of more than MAX_CELL_CHARS characters without a separator or line end.

    Linear in the file, so a crafted file is refused before DuckDB or the csv module builds
    anything from it. A run never crosses a line end, so only lines longer than the limit are
    scanned separator by separator; the rest is one C-speed split (a per-separator loop over a
    million-row file took longer than DuckDB's whole read of it).
    """
    if len(text) <= MAX_CELL_CHARS:
        return None
    lines = text.split("\n")
    if max(map(len, lines)) <= MAX_CELL_CHARS:
        return None
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_CELL_CHARS and _long_run(line):
            return Problem(label, "cell_too_long", row=number, params={"limit": MAX_CELL_CHARS})
    return None


def _long_run(line: str) -> bool:
    start = 0
    for match in _CELL_BREAKS.finditer(line):
        if match.start() - start > MAX_CELL_CHARS:
            return True
        start = match.end()
    return len(line) - start > MAX_CELL_CHARS


def _read_table(
    con: duckdb.DuckDBPyConnection,
    source: Path | bytes,
    label: str,
    table: str,
    problems: list[Problem],
    max_rows: int | None,
) -> RawTable | None:
    try:
        if isinstance(source, Path):  # a regular file, at most MAX_DATA_BYTES read (kpi.read.sniff)
            data = read_regular(source, label, MAX_DATA_BYTES)
        else:
            big = _too_large(source, label)
            if big is not None:
                problems.append(big)
                return None
            data = bytes(source)
        decoded = decode(data, label)
    except FileNotFoundError:
        problems.append(Problem(label, "file_missing"))
        return None
    except DataError as exc:
        problems.extend(exc.problems)
        return None
    text = normalise_line_ends(decoded.text)
    delimiter = detect_delimiter(text)
    if not text.strip():
        problems.append(Problem(label, "empty_file"))
        return None
    header_line = first_line(text)
    if header_line.count(delimiter) >= MAX_COLUMNS:  # before any per-column work
        problems.append(Problem(label, "import_too_many_columns", row=1, params={"limit": MAX_COLUMNS}))
        return None
    long_cell = _long_cell(text, label)
    if long_cell is not None:
        problems.append(long_cell)
        return None
    header_cells = next(csv.reader(io.StringIO(header_line, newline=""), delimiter=delimiter), [])
    if len(header_cells) > MAX_COLUMNS:
        problems.append(Problem(label, "import_too_many_columns", row=1, params={"limit": MAX_COLUMNS}))
        return None
    columns = [normalise_header(cell) for cell in header_cells]
    duplicates = sorted({name for name in columns if columns.count(name) > 1 and name})
    for name in duplicates:
        problems.append(Problem(label, "duplicate_column", row=1, column=name, params={"name": name}))
    if duplicates:
        return None
    columns = [name or f"column_{index + 1}" for index, name in enumerate(columns)]
    body_lines = _data_line_count(text)
    if max_rows is not None and body_lines > max_rows:
        problems.append(Problem(label, "too_many_rows", params={"limit": max_rows}))
        return None

    original = source if isinstance(source, Path) and decoded.encoding in ("utf-8", "utf-8-sig") else None
    rows = _read_with_duckdb(con, original, text, columns, delimiter, table, body_lines)
    if rows is None:
        rows = _read_with_python(con, text, columns, delimiter, table, label, problems)
        if rows is None:
            return None
    if rows == 0:
        problems.append(Problem(label, "header_only", row=1))
        return None
    return RawTable(table, label, header_cells, columns, rows, decoded.encoding, delimiter)


def _data_line_count(text: str) -> int:
    lines = text.count("\n") - (1 if text.endswith("\n") else 0)
    return max(lines, 0)


def _read_with_duckdb(
    con, original: Path | None, text: str, columns: list[str], delimiter: str, table: str, expected_rows: int
) -> int | None:
    """Fast path; returns the row count, or ``None`` when row numbers could not be trusted.

    UTF-8 files are read in place; anything else (Windows-1252, uploads) goes through a UTF-8
    copy in the system's temporary folder, never in the data folder.
    """
    if "\r" in text and "\r" in text.replace("\r\n", "\n"):
        return None  # lone carriage returns: let the exact path decide
    temp: str | None = None
    if original is None:
        with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as handle:
            handle.write(text.encode("utf-8"))
        temp = handle.name
    path = str(original) if original is not None else str(temp)
    try:
        con.execute(sql_with("DROP TABLE IF EXISTS {table}", table=table))
        con.execute(
            sql_with(
                "CREATE TEMP TABLE {table} AS SELECT (row_number() OVER ()) + 1 AS _row, * FROM read_csv(?, "
                "columns = ?, header = true, auto_detect = false, delim = ?, quote = '\"', escape = '\"', "
                "strict_mode = true, null_padding = false, all_varchar = true)",
                table=table,
            ),
            [path, dict.fromkeys(columns, "VARCHAR"), delimiter],
        )
        rows = con.execute(sql_with("SELECT count(*) FROM {table}", table=table)).fetchall()[0][0]
    except duckdb.Error:
        con.execute(sql_with("DROP TABLE IF EXISTS {table}", table=table))
        return None
    finally:
        if temp is not None:
            os.unlink(temp)
    if rows != expected_rows:
        con.execute(sql_with("DROP TABLE IF EXISTS {table}", table=table))
        return None
    return rows


def _read_with_python(
    con, text: str, columns: list[str], delimiter: str, table: str, label: str, problems: list[Problem]
) -> int | None:
    """Exact path: every record with its true line number, every malformed line named."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str | None]] = []
    row_numbers: list[int] = []
    bad = False
    start_line = 1
    try:
        next(reader)
        while True:
            start_line = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != len(columns):
                problems.append(
                    Problem(
                        label,
                        "field_count",
                        row=start_line,
                        params={
                            "found": len(record),
                            "expected": len(columns),
                            "delimiter": _show_delimiter(delimiter),
                        },
                    )
                )
                bad = True
                continue
            records.append([cell if cell != "" else None for cell in record])
            row_numbers.append(start_line)
    except csv.Error as exc:
        problems.append(Problem(label, "bad_csv", row=start_line, params={"detail": _csv_detail(exc)}))
        return None
    if bad:
        return None
    frame = pd.DataFrame(records, columns=columns, dtype="string")
    frame.insert(0, "_row", pd.Series(row_numbers, dtype="int64"))
    con.execute(sql_with("DROP TABLE IF EXISTS {table}", table=table))
    con.register("_incoming", frame)
    try:
        con.execute(sql_with("CREATE TEMP TABLE {table} AS SELECT * FROM _incoming", table=table))
    finally:
        con.unregister("_incoming")
    return len(records)


def _show_delimiter(delimiter: str) -> str:
    return {"\t": "tab", ";": "';'", ",": "','"}[delimiter]


def _csv_detail(exc: csv.Error) -> str:
    message = str(exc)
    if "quote" in message or "EOF" in message or "end of data" in message:
        return 'a quotation mark (") is not closed'
    return message


def unreadable(label: str, exc: Exception) -> Problem:
    """The one problem for a file whose reading failed in a way the reader did not foresee.

    It names the file and the kind of failure, in the user's words; the traceback (with the
    server's paths) goes only to the log.
    """
    kind = next((name for kinds, name in _FAILURE_KINDS if isinstance(exc, kinds)), "other")
    return Problem(label, "file_unreadable", params={"kind": "@detail.unreadable_" + kind, "error": type(exc).__name__})


_FAILURE_KINDS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (MemoryError, "memory"),
    (UnicodeError, "encoding"),
    (csv.Error, "csv"),
    (duckdb.Error, "database"),
    (OSError, "os"),
)


def forget_file(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> None:
    """Drop the temporary tables a failed file may have left, so the next file starts clean."""
    for table in tables:
        con.execute(sql_with("DROP TABLE IF EXISTS {table}", table=table))


def file_label(path: Path, data_dir: Path) -> str:
    """How a file is named in messages: relative to the data folder's parent (``data/metrics/x.csv``)."""
    try:
        return path.relative_to(data_dir.parent).as_posix()
    except ValueError:
        return path.as_posix()


def modified_time(path: Path) -> dt.datetime | None:
    """When a file last changed, or ``None`` when it cannot be read."""
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return None
