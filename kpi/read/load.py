"""Read CSV files into an embedded DuckDB, with every problem named by file, row and column.

One reader serves every table in the project (metrics files, registers, uploads): decode with
:mod:`kpi.sniff`, parse the header ourselves, then let DuckDB read the body with explicit columns.
DuckDB is fast but skips blank lines and guesses on ragged files, so its result is used only when
its row count matches the file's line count (then every row number is exact); otherwise Python's
``csv`` module reads the file and names the exact line that is wrong. Values stay text until
converted by the SQL macros below, which know decimal commas and Swedish thousands separators.

Loading never writes to the data folder: DuckDB runs in memory, and re-encoded copies of
Windows-1252 files go to the system's temporary folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kpi.model.problems import DataError, Problem
from kpi.model.targets import Config
from kpi.read.sniff import decode, detect_delimiter, first_line

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
    END;
""".format(date=DATE_FORM, **{name: pattern for pattern, name in NUMBER_FORMS})


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


def parse_date(text: str | dt.date | None) -> dt.date | None:
    """The same reading of a date as the SQL macro ``kpi_date``: ``YYYY-MM-DD``, nothing looser."""
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
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


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the project's parsing macros; nothing is written to disk."""
    con = duckdb.connect(":memory:")
    con.execute(_MACROS)
    return con


def normalise_header(name: str) -> str:
    return (name or "").strip().strip("\ufeff").strip().lower()


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
    it may be spliced into SQL as an identifier; values always travel as parameters.
    """
    sql_with("{table}", table=table)  # refuse a bad internal name before reading anything
    try:
        data = source.read_bytes() if isinstance(source, Path) else bytes(source)
        decoded = decode(data, label)
    except FileNotFoundError:
        problems.append(Problem(label, "file_missing"))
        return None
    except DataError as exc:
        problems.extend(exc.problems)
        return None
    text = decoded.text
    delimiter = detect_delimiter(text)
    if not text.strip():
        problems.append(Problem(label, "empty_file"))
        return None
    header_cells = next(csv.reader(io.StringIO(first_line(text)), delimiter=delimiter))
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


def _read_with_duckdb(con, original: Path | None, text: str, columns: list[str], delimiter: str,
                      table: str, expected_rows: int) -> int | None:
    """Fast path; returns the row count, or ``None`` when row numbers could not be trusted.

    UTF-8 files are read in place; anything else (Windows-1252, uploads) goes through a UTF-8
    copy in the system's temporary folder, never in the data folder.
    """
    if "\r" in text and "\r" in text.replace("\r\n", "\n"):
        return None  # lone carriage returns: let the exact path decide
    handle = None
    if original is None:
        handle = tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False)
        with handle:
            handle.write(text.encode("utf-8"))
    path = str(original) if original is not None else handle.name
    try:
        con.execute(sql_with("DROP TABLE IF EXISTS {table}", table=table))
        con.execute(
            sql_with("CREATE TEMP TABLE {table} AS SELECT (row_number() OVER ()) + 1 AS _row, * FROM read_csv(?, "
            "columns = ?, header = true, auto_detect = false, delim = ?, quote = '\"', escape = '\"', "
            "strict_mode = true, null_padding = false, all_varchar = true)", table=table),
            [path, {name: "VARCHAR" for name in columns}, delimiter],
        )
        rows = con.execute(sql_with("SELECT count(*) FROM {table}", table=table)).fetchall()[0][0]
    except duckdb.Error:
        con.execute(sql_with("DROP TABLE IF EXISTS {table}", table=table))
        return None
    finally:
        if handle is not None:
            os.unlink(handle.name)
    if rows != expected_rows:
        con.execute(sql_with("DROP TABLE IF EXISTS {table}", table=table))
        return None
    return rows


def _read_with_python(con, text: str, columns: list[str], delimiter: str, table: str, label: str,
                      problems: list[Problem]) -> int | None:
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
                problems.append(Problem(label, "field_count", row=start_line, params={
                    "found": len(record), "expected": len(columns), "delimiter": _show_delimiter(delimiter)}))
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
        return "a quotation mark (\") is not closed"
    return message


# --- observations -------------------------------------------------------------------------------

@dataclass
class FileInfo:
    label: str
    path: Path
    kind: str  # "metrics" or a register name
    modified: dt.datetime | None
    rows: int = 0
    encoding: str | None = None
    delimiter: str | None = None


@dataclass
class Series:
    """A metric's observations up to now, sorted by date: what the status rule reads."""

    dates: np.ndarray  # datetime64[D], ascending
    values: np.ndarray  # float64
    stepwise: bool = False  # True for register counts: a value holds until the next change

    @classmethod
    def empty(cls) -> "Series":
        return cls(np.array([], dtype="datetime64[D]"), np.array([], dtype="float64"))

    def __len__(self) -> int:
        return len(self.dates)


@dataclass
class Dataset:
    """Everything loaded from one data folder: DuckDB tables, problems, per-metric series."""

    config: Config
    data_dir: Path
    con: duckdb.DuckDBPyConnection
    problems: list[Problem] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)
    series: dict[str, Series] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)

    def observations(self, metric_id: str) -> pd.DataFrame:
        """The rows behind a metric's numbers, with file and row, so every value can be traced.

        A cursor per call: the dashboard shares one cached dataset between sessions, and one
        DuckDB connection must not run two queries from two threads at once.
        """
        return self.con.cursor().execute(
            "SELECT date, value, note, source, file, row FROM observations WHERE metric = ? ORDER BY date, file, row",
            [metric_id],
        ).df()


def file_label(path: Path, data_dir: Path) -> str:
    """How a file is named in messages: relative to the data folder's parent (``data/metrics/x.csv``)."""
    try:
        return path.relative_to(data_dir.parent).as_posix()
    except ValueError:
        return path.as_posix()


def metric_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "metrics"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.csv") if not p.name.startswith((".", "~$")))


def _modified(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return None


_OBSERVATIONS_DDL = """
CREATE OR REPLACE TABLE observations_raw (
    metric VARCHAR, date DATE, value DOUBLE, note VARCHAR, source VARCHAR, file VARCHAR, row BIGINT, file_order INTEGER
)
"""


def load_observations(dataset: Dataset, today: dt.date) -> None:
    """Read every ``metrics/*.csv`` into table ``observations`` (one row per metric and date)."""
    con = dataset.con
    con.execute(_OBSERVATIONS_DDL)
    con.register("metric_meta_frame", _metric_meta_frame(dataset.config))
    con.execute("CREATE OR REPLACE TABLE metric_meta AS SELECT * FROM metric_meta_frame")
    con.unregister("metric_meta_frame")

    for order, path in enumerate(metric_files(dataset.data_dir)):
        label = file_label(path, dataset.data_dir)
        info = FileInfo(label, path, "metrics", _modified(path))
        dataset.files.append(info)
        raw = read_table(con, path, label, "raw_metrics", dataset.problems)
        if raw is None:
            continue
        info.rows, info.encoding, info.delimiter = raw.rows, raw.encoding, raw.delimiter
        _parse_metrics_table(con, raw, order, dataset.problems)

    has_duplicates = _check_observations(con, dataset.problems, today)
    # The later row wins for a repeated metric+date; the window is only paid for when needed.
    keep = ("row_number() OVER (PARTITION BY metric, date ORDER BY file_order DESC, row DESC)"
            if has_duplicates else "1")
    con.execute("""
        CREATE OR REPLACE TABLE observations AS
        SELECT metric, date, value, note, source, file, row FROM (
            SELECT *, """ + keep + """ AS keep
            FROM observations_raw o
            WHERE metric IN (SELECT id FROM metric_meta WHERE register IS NULL)
              AND NOT EXISTS (SELECT 1 FROM metric_meta m WHERE m.id = o.metric
                              AND ((m.min IS NOT NULL AND o.value < m.min) OR (m.max IS NOT NULL AND o.value > m.max)))
        ) WHERE keep = 1
        ORDER BY metric, date
    """)
    dataset.series.update(_series_by_metric(con))


def _parse_metrics_table(con, raw: RawTable, order: int, problems: list[Problem]) -> None:
    columns = set(raw.columns)
    if {"metric", "value"} <= columns or ("date" in columns and raw.columns[0] != "date"):
        for name in ("metric", "date", "value"):
            if name not in columns:
                problems.append(Problem(raw.label, "missing_column", row=1, column=name,
                                        params={"name": name, "found": ", ".join(raw.header)}))
        if not {"metric", "date", "value"} <= columns:
            return
        note = "note" if "note" in columns else "NULL"
        source = "source" if "source" in columns else "NULL"
        con.execute(sql_with("""
            CREATE OR REPLACE TEMP TABLE parsed AS
            SELECT _row, trim(metric) AS metric, date AS date_text, value AS value_text,
                   kpi_date(date) AS date, kpi_number(value) AS value,
                   {note} AS note, {source} AS source, 'value' AS value_column
            FROM {table}
        """, note=note, source=source, table=raw.name))
    elif raw.columns[0] == "date":
        if len(raw.columns) < 2:
            problems.append(Problem(raw.label, "missing_column", row=1, column="metric",
                                    params={"name": "metric", "found": ", ".join(raw.header)}))
            return
        known = set(con.execute("SELECT id FROM metric_meta").df()["id"])
        for name in raw.columns[1:]:
            if name not in known and name not in {"note", "source"}:
                problems.append(Problem(raw.label, "unknown_column", row=1, column=name,
                                        severity="warning", params={"name": name}))
        con.execute(sql_with("""
            CREATE OR REPLACE TEMP TABLE parsed AS
            SELECT _row, metric, date AS date_text, value_text, kpi_date(date) AS date,
                   kpi_number(value_text) AS value, NULL AS note, NULL AS source, metric AS value_column
            FROM (UNPIVOT {table} ON COLUMNS(* EXCLUDE (_row, date)) INTO NAME metric VALUE value_text)
            WHERE metric IN (SELECT id FROM metric_meta) AND trim(value_text) <> ''
        """, table=raw.name))
    else:
        for name in ("metric", "date", "value"):
            if name not in columns:
                problems.append(Problem(raw.label, "missing_column", row=1, column=name,
                                        params={"name": name, "found": ", ".join(raw.header)}))
        return

    cell_problems = con.execute("""
        SELECT _row, 'metric' AS col, 'empty_cell' AS code, NULL AS value FROM parsed WHERE metric IS NULL OR metric = ''
        UNION ALL SELECT _row, 'date', CASE WHEN date_text IS NULL OR trim(date_text) = '' THEN 'empty_cell' ELSE 'bad_date' END,
                         date_text FROM parsed WHERE date IS NULL
        UNION ALL SELECT _row, value_column, CASE WHEN value_text IS NULL OR trim(value_text) = '' THEN 'empty_cell' ELSE 'bad_number' END,
                         value_text FROM parsed WHERE value IS NULL
        ORDER BY 1, 2
    """).fetchall()
    for row, column, code, value in cell_problems:
        problems.append(Problem(raw.label, code, row=row, column=column, params={"value": value}))
    con.execute("""
        INSERT INTO observations_raw
        SELECT metric, date, value, note, source, ?, _row, ? FROM parsed
        WHERE metric IS NOT NULL AND metric <> '' AND date IS NOT NULL AND value IS NOT NULL
    """, [raw.label, order])


def _check_observations(con, problems: list[Problem], today: dt.date) -> bool:
    """Problems that need all files at once: unknown ids, bounds, duplicates, future dates.

    Returns whether any metric+date repeats, so the caller only deduplicates when it must.
    """
    for metric, file, row in con.execute("""
        SELECT metric, file, row FROM observations_raw WHERE metric NOT IN (SELECT id FROM metric_meta) ORDER BY file_order, row
    """).fetchall():
        problems.append(Problem(file, "unknown_metric", row=row, column="metric", severity="warning", params={"value": metric}))
    for metric, register, file, row in con.execute("""
        SELECT o.metric, m.register, o.file, o.row FROM observations_raw o JOIN metric_meta m ON m.id = o.metric
        WHERE m.register IS NOT NULL ORDER BY file_order, row
    """).fetchall():
        problems.append(Problem(file, "register_metric", row=row, column="metric", severity="warning",
                                params={"value": metric, "register": register}))
    for metric, value, low, high, file, row in con.execute("""
        SELECT o.metric, o.value, m.min, m.max, o.file, o.row FROM observations_raw o JOIN metric_meta m ON m.id = o.metric
        WHERE (m.min IS NOT NULL AND o.value < m.min) OR (m.max IS NOT NULL AND o.value > m.max) ORDER BY file_order, row
    """).fetchall():
        below = low is not None and value < low
        problems.append(Problem(file, "below_min" if below else "above_max", row=row, column="value",
                                params={"value": _plain(value), "limit": _plain(low if below else high), "metric": metric}))
    repeated = con.execute(
        "SELECT count(*) FROM (SELECT metric, date FROM observations_raw GROUP BY metric, date HAVING count(*) > 1)"
    ).fetchall()[0][0]
    for metric, date, file, row, other in ([] if not repeated else con.execute("""
        SELECT metric, date, file, row, first_file || ':' || first_row FROM (
            SELECT *, first_value(file) OVER w AS first_file, first_value(row) OVER w AS first_row,
                   row_number() OVER w AS n
            FROM observations_raw WINDOW w AS (PARTITION BY metric, date ORDER BY file_order, row)
        ) WHERE n > 1 ORDER BY file, row
    """).fetchall()):
        problems.append(Problem(file, "duplicate_observation", row=row, column="date", severity="warning",
                                params={"metric": metric, "date": date.isoformat(), "other": other}))
    for date, file, row in con.execute(
        "SELECT date, file, row FROM observations_raw WHERE date > ? ORDER BY file_order, row", [today]
    ).fetchall():
        problems.append(Problem(file, "future_date", row=row, column="date", severity="warning",
                                params={"value": date.isoformat(), "today": today.isoformat()}))
    return bool(repeated)


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _series_by_metric(con) -> dict[str, Series]:
    """Per-metric numpy arrays, fetched as numbers only (strings are slow to move out of DuckDB)."""
    groups = con.execute("SELECT metric, count(*) FROM observations GROUP BY metric ORDER BY metric").fetchall()
    if not groups:
        return {}
    arrays = con.execute(
        "SELECT (date - DATE '1970-01-01')::INTEGER AS day, value FROM observations ORDER BY metric, date"
    ).fetchnumpy()
    days = np.asarray(arrays["day"]).astype("int64").astype("datetime64[D]")
    values = np.asarray(arrays["value"], dtype="float64")
    result, start = {}, 0
    for metric, count in groups:
        result[metric] = Series(days[start:start + count], values[start:start + count])
        start += count
    return result


def load_dataset(data_dir: Path, targets: Path, today: dt.date | None = None) -> Dataset:
    """Load targets.yaml (raising :class:`DataError` if it is unusable) and every data file.

    Problems in data files do not raise: the rows that are fine are loaded, and every problem is
    in ``dataset.problems`` for the UI's banner and ``kpi validate``.
    """
    from kpi.read import registers  # registers read tables with this module's reader
    from kpi.model.targets import load_config

    config = load_config(targets)
    today = today or dt.date.today()
    dataset = Dataset(config=config, data_dir=Path(data_dir), con=connect(), today=today)
    if not dataset.data_dir.is_dir():
        dataset.problems.append(Problem(str(data_dir), "data_dir_missing", params={"path": str(data_dir)}))
        dataset.con.execute(_OBSERVATIONS_DDL)
        dataset.con.execute("CREATE OR REPLACE TABLE observations AS SELECT * EXCLUDE (file_order) FROM observations_raw")
        return dataset
    load_observations(dataset, today)
    registers.load_registers(dataset)
    return dataset


def data_fingerprint(data_dir: Path, targets: Path) -> tuple:
    """File names, sizes and modification times: a cache key that changes whenever a file does."""
    paths = [targets] + (sorted(p for p in Path(data_dir).rglob("*.csv") if ".history" not in p.parts)
                         if Path(data_dir).is_dir() else [])
    entries = []
    for path in paths:
        try:
            stat = path.stat()
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            entries.append((str(path), None, None))
    return tuple(entries)


# --- one metrics table on its own (uploads and saves, see kpi/imports.py) -----------------------

def _metric_meta_frame(config: Config) -> pd.DataFrame:
    """Each metric's id, bounds and register, as a table the checks join against.

    Explicit dtypes: with ``metrics: []`` pandas would guess a numeric ``id`` column and the
    checks' ``metric IN (SELECT id ...)`` would fail on types.
    """
    return pd.DataFrame({
        "id": pd.Series([m.id for m in config.metrics], dtype="string"),
        "min": pd.Series([m.min for m in config.metrics], dtype="float64"),
        "max": pd.Series([m.max for m in config.metrics], dtype="float64"),
        "register": pd.Series([m.source.register_name if m.source else None for m in config.metrics], dtype="string"),
    })


def check_metrics_table(con: duckdb.DuckDBPyConnection, raw: RawTable, config: Config, today: dt.date,
                        problems: list[Problem]) -> pd.DataFrame:
    """Validate one metrics table already in ``con`` exactly as :func:`load_dataset` validates a file.

    An upload must be judged by the same rules, with the same messages, as the file it will
    become; this runs the loader's own checks on that one table. Use a fresh connection from
    :func:`connect` (the loader's tables are replaced). Returns the observations the table holds,
    one row per metric and date in the file's order: ``metric, date, value, note, source, row``.
    Checks that need every file at once (a date that is also in another file) are not made here.
    """
    con.execute(_OBSERVATIONS_DDL)
    con.register("metric_meta_frame", _metric_meta_frame(config))
    try:
        con.execute("CREATE OR REPLACE TABLE metric_meta AS SELECT * FROM metric_meta_frame")
    finally:
        con.unregister("metric_meta_frame")
    _parse_metrics_table(con, raw, 0, problems)
    _check_observations(con, problems, today)
    return con.execute(
        "SELECT metric, date, value, note, source, row FROM observations_raw ORDER BY row, rowid"
    ).df()


def read_metrics_file(con: duckdb.DuckDBPyConnection, source: Path | bytes, label: str, config: Config,
                      today: dt.date, problems: list[Problem], max_rows: int | None = None) -> pd.DataFrame | None:
    """Read and validate one metrics file (a path or an upload's bytes) on its own.

    Returns its observations as :func:`check_metrics_table` does, or ``None`` when the file cannot
    be read as a table at all (the reason is in ``problems``).
    """
    raw = read_table(con, source, label, "raw_metrics", problems, max_rows=max_rows)
    if raw is None:
        return None
    return check_metrics_table(con, raw, config, today, problems)
