"""Uploads and edits become a checked preview; nothing reaches a data file before a clean preview.

Staff update the figures from Excel: a sheet saved as CSV (Swedish Excel's semicolons, decimal
commas, Windows-1252 or UTF-8 with BOM) or the ``.xlsx`` workbook itself. Both are read into a
:class:`TextTable` (every cell as the text a person typed), judged by exactly the rules and
messages of :mod:`kpi.read.load` (and :mod:`kpi.read.registers` for registers), compared with the current
file (rows added, changed, removed) and serialised to the bytes a confirm would write. Saving is
:mod:`kpi.write.store`'s job; this module never writes anything.

Decisions, each tested in ``tests/test_imports.py``:

* An upload is stricter than the loader: a row the loader would warn about and then silently
  ignore (an unknown metric, a register metric, a metric+date twice, an unknown column) is an
  error in new or changed rows, because the person who can fix it is looking at the preview.
* ``.xlsx``: the zip's declared sizes are checked before openpyxl opens it (zip bombs), the
  workbook is opened read-only with ``data_only=False`` and formulas are never calculated: a
  formula cell is an error asking for values ("Klistra in special → Värden"), because its cached
  result may be stale and its text is not data. Only the first sheet is read unless one is chosen.
* A text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or CR and is not a number is kept
  as text and stored with an apostrophe in front (:func:`kpi.text.cells.neutralise`), with a warning,
  so that Excel opening the data file never runs it. Negative numbers are numbers, not formulas.
* The uploaded file's name is only ever shown in messages; where it is saved is the chosen target.
* Saved files are UTF-8 with a BOM (Excel opens å, ä, ö correctly, and the loader reads it) with
  the current file's separator and line ending, or ``;`` and ``\\n`` for a new file, so that a
  double-click in Swedish Excel opens the columns. Numbers in new and changed rows are written in
  one form per file (no grouping; decimal comma in a ``;`` file, point otherwise), notes as typed,
  so reading the saved file gives back exactly the previewed rows.
* Swedish headers (mätetal, datum, värde, ...) are read as the English columns; invisible
  characters are refused in ids, numbers and dates and removed from notes.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from kpi import clock
from kpi.model.problems import DataError, Problem, UsageError, errors
from kpi.model.registers import REGISTERS
from kpi.model.targets import Config
from kpi.read import registers
from kpi.read.load import check_metrics_table, metric_files, read_metrics_file
from kpi.read.tables import (
    MAX_COLUMNS,
    RawTable,
    connect,
    file_label,
    normalise_header,
    parse_file_date,
    parse_number,
    read_table,
    sql_with,
)
from kpi.text.cells import FORMULA_PREFIXES, neutralise

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
# A real workbook of MAX_ROWS rows unpacks to a few MB; these limits leave room and stop bombs.
XLSX_MAX_UNCOMPRESSED = 64 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_MAX_MEMBERS = 1000
MAX_CELL_PROBLEMS = 200
# After the first MAX_CELL_PROBLEMS, the rest are only counted: exactly while this many more cells
# have been looked at (openpyxl takes ~20 µs a cell, so ~0.1 s), then as "at least" the formula cells a scan of
# the sheet's XML finds (C speed, in chunks), so a crafted sheet of millions of errors stays quick.
COUNT_CELLS = 5_000
_COUNT_CHUNK = 4 * 1024 * 1024
# A cell in one of the first MAX_COLUMNS + 1 columns (A..GS) whose first child is a formula.
_FORMULA_CELL = re.compile(rb'<c\s(?:[^>]*\s)?r="(?:[A-Z]|[A-F][A-Z]|G[A-S])[0-9]+"[^>]*>\s*<f[\s>/]')

# The columns that name a row, for the diff and for merging: one observation, or a register's keys.
KEYS: dict[str, tuple[str, ...]] = {"metrics": ("metric", "date")} | {
    name: register.keys for name, register in REGISTERS.items()
}
# Loader warnings that mean "this row (or column) will be ignored" become errors in new rows,
# with a message that says what to fix instead of what the loader will do.
STRICT_CODES = {
    "unknown_metric": "import_unknown_metric",
    "register_metric": "import_register_metric",
    "duplicate_observation": "import_duplicate_observation",
    "unknown_column": "import_unknown_column",
    "register_unknown_column": "import_register_unknown_column",
    "import_duplicate_key": "import_duplicate_key",
}
LONG_COLUMNS = ("metric", "date", "value", "note", "source")
_METRICS_TARGET = re.compile(r"metrics/([a-z0-9_-]{1,64})\.csv")
# replace: the table is the whole new file; merge: add rows and update rows with the same key;
# add: add rows, a key already there is an error; update: update rows, a key not there is an error.
Mode = Literal["replace", "merge", "add", "update"]
_EXISTING = {"merge": "update", "add": "error", "update": "required"}


# --- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataFile:
    """A file in the data folder that may be written: ``metrics/NAME.csv`` or a register."""

    kind: str  # "metrics" or a register name
    name: str  # the file's stem

    @property
    def relpath(self) -> str:
        return f"metrics/{self.name}.csv" if self.kind == "metrics" else f"{self.name}.csv"

    @property
    def key(self) -> tuple[str, ...]:
        return KEYS[self.kind]

    def path(self, data_dir: Path) -> Path:
        return Path(data_dir) / self.relpath

    def label(self, data_dir: Path) -> str:
        return file_label(self.path(Path(data_dir)), Path(data_dir))


def parse_data_file(text: str) -> DataFile:
    """``metrics/NAME.csv`` (NAME of a–z, 0–9, ``_``, ``-``) or a register name; nothing else.

    The target is the only thing that decides where a save goes, so it is checked against a
    fixed pattern: no ``..``, no absolute paths, no uploaded file names.
    """
    text = (text or "").strip()
    if text.removesuffix(".csv") in REGISTERS:
        name = text.removesuffix(".csv")
        return DataFile(name, name)
    match = _METRICS_TARGET.fullmatch(text)
    if match:
        return DataFile("metrics", match.group(1))
    raise UsageError(
        [Problem("--into", "import_bad_target", params={"value": text[:80], "registers": ", ".join(REGISTERS)})]
    )


def metrics_data_files(data_dir: Path) -> list[DataFile]:
    """The metrics files that exist, in name order (the loader reads the same ones)."""
    found = []
    for path in metric_files(Path(data_dir)):
        try:
            found.append(parse_data_file(f"metrics/{path.name}"))
        except DataError:
            continue  # a file named outside the pattern is read by the loader but not written here
    return found


def display_name(filename: str | None) -> str:
    """An uploaded file's name as shown in messages: its last part, printable, short."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:100] or "upload"


# --- tables of text -----------------------------------------------------------------------------


@dataclass
class TextTable:
    """A table as typed: header names (normalised) and cells as text, with the source's rows.

    ``fresh`` holds the row numbers that are new or changed compared with the current file
    (``None``: every row), so that strictness applies to what the person is adding now.
    """

    columns: list[str]
    rows: list[list[str | None]]
    row_numbers: list[int]
    delimiter: str = ";"
    line_end: str = "\n"
    fresh: set[int] | None = None

    def to_bytes(self) -> bytes:
        """The file a save writes: UTF-8 with BOM, this table's separator and line ending."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.line_end, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(["" if cell is None else cell for cell in row])
        return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")

    def frame(self) -> pd.DataFrame:
        """The cells as a text DataFrame (for ``st.data_editor``); empty cells are ``None``."""
        return pd.DataFrame([list(row) for row in self.rows], columns=list(self.columns), dtype="object")

    def renumbered(self) -> TextTable:
        """Rows numbered as the saved file will number them (header = 1, no blank lines)."""
        mapping = {1: 1, **{old: index + 2 for index, old in enumerate(self.row_numbers)}}
        fresh = None if self.fresh is None else {mapping[row] for row in self.fresh if row in mapping}
        return dataclasses.replace(self, row_numbers=[index + 2 for index in range(len(self.rows))], fresh=fresh)


def _clean_cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if value is pd.NA or value is pd.NaT:
            return None
    except TypeError:  # pragma: no cover - exotic scalars
        pass
    text = str(value)
    return text if text.strip() else None


def table_from_frame(frame: pd.DataFrame, like: TextTable | None = None) -> TextTable:
    """A table from a DataFrame (what ``st.data_editor`` returns), in the dialect of ``like``.

    Rows left completely empty (a row added and not filled in) are dropped, as the loader does.
    """
    columns = [normalise_header(str(name)) for name in frame.columns]
    rows: list[list[str | None]] = []
    for record in frame.itertuples(index=False, name=None):
        cells = [_clean_cell(value) for value in record]
        if any(cell is not None for cell in cells):
            rows.append(cells)
    table = TextTable(columns, rows, [index + 2 for index in range(len(rows))])
    if like is not None:
        table.delimiter, table.line_end = like.delimiter, like.line_end
    return table


def _identifier(name: str) -> str:
    """A table name chosen by this module (never user text), checked by the loader's one rule."""
    return sql_with("{name}", name=name)


def _table_from_raw(con: duckdb.DuckDBPyConnection, raw: RawTable) -> TextTable:
    result = con.execute("SELECT * FROM " + _identifier(raw.name) + " ORDER BY _row").fetchall()
    rows, numbers = [], []
    for record in result:
        cells = [_clean_cell(cell) for cell in record[1:]]
        if any(cell is not None for cell in cells):
            rows.append(cells)
            numbers.append(int(record[0]))
    return TextTable(list(raw.columns), rows, numbers, delimiter=raw.delimiter)


def _to_duckdb(con: duckdb.DuckDBPyConnection, table: TextTable, label: str, name: str) -> RawTable:
    """Put a text table into DuckDB as :func:`kpi.read.tables.read_table` would, with its row numbers."""
    frame = pd.DataFrame([list(row) for row in table.rows], columns=list(table.columns), dtype="string")
    frame.insert(0, "_row", pd.Series(table.row_numbers, dtype="int64"))
    con.execute("DROP TABLE IF EXISTS " + _identifier(name))
    con.register("_text_table", frame)
    try:
        con.execute("CREATE TEMP TABLE " + _identifier(name) + " AS SELECT * FROM _text_table")
    finally:
        con.unregister("_text_table")
    return RawTable(name, label, list(table.columns), list(table.columns), len(table.rows), "utf-8", table.delimiter)


def _line_end(data: bytes) -> str:
    return "\r\n" if b"\r\n" in data[:65536] else "\n"


# --- reading uploads ----------------------------------------------------------------------------


@dataclass
class Upload:
    """What was read from an uploaded file: its table (or ``None``) and, for a workbook, its sheets."""

    label: str
    kind: str  # "csv" or "xlsx"
    table: TextTable | None
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None


def read_upload(
    data: bytes,
    filename: str,
    problems: list[Problem],
    *,
    sheet: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_rows: int = MAX_ROWS,
    label: str | None = None,
) -> Upload:
    """Read an uploaded CSV or XLSX into a text table, adding a problem for everything wrong.

    What the content is decides how it is read (a workbook renamed ``.csv`` is still a workbook);
    the name only produces a clearer message when a file called ``.xlsx`` is not one.
    """
    label = label or display_name(filename)
    if len(data) > max_bytes:
        problems.append(
            Problem(label, "import_too_large", params={"size": megabytes(len(data)), "limit": megabytes(max_bytes)})
        )
        return Upload(label, "csv", None)
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, label, problems, sheet, max_rows)
    if label.lower().endswith((".xlsx", ".xlsm")) and data and not data.startswith(b"\xd0\xcf\x11\xe0"):
        problems.append(Problem(label, "import_not_xlsx"))
        return Upload(label, "xlsx", None)
    con = connect()
    raw = read_table(con, bytes(data), label, "upload_raw", problems, max_rows=max_rows)
    if raw is None:
        return Upload(label, "csv", None)
    table = _table_from_raw(con, raw)
    table.line_end = _line_end(data)
    return Upload(label, "csv", table)


def megabytes(size: int) -> int:
    """Whole megabytes, rounded up (so a file just over the limit never reads as equal to it)."""
    return max(1, math.ceil(size / (1024 * 1024)))


def xlsx_guard(data: bytes, label: str, problems: list[Problem]) -> bool:
    """Check a workbook's zip directory before anything unpacks it: sizes, ratio, members.

    Python's zip reader stops at each member's declared size, so declared sizes are binding and
    checking them bounds the memory openpyxl can use.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        problems.append(Problem(label, "import_bad_xlsx"))
        return False
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    worst = max((member.file_size / max(member.compress_size, 1) for member in members), default=0)
    if (
        len(members) > XLSX_MAX_MEMBERS
        or total > XLSX_MAX_UNCOMPRESSED
        or (total > 1024 * 1024 and (total / packed > XLSX_MAX_RATIO or worst > XLSX_MAX_RATIO * 10))
    ):
        problems.append(Problem(label, "import_xlsx_bomb", params={"size": megabytes(total)}))
        return False
    if "xl/workbook.xml" not in {member.filename for member in members}:
        problems.append(Problem(label, "import_bad_xlsx"))
        return False
    return True


def _read_xlsx(data: bytes, label: str, problems: list[Problem], sheet: str | None, max_rows: int) -> Upload:
    import openpyxl  # only uploads need it
    from openpyxl.utils import get_column_letter

    if not xlsx_guard(data, label, problems):
        return Upload(label, "xlsx", None)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a damaged workbook; all mean the same to staff
        problems.append(Problem(label, "import_bad_xlsx"))
        return Upload(label, "xlsx", None)
    try:
        names = list(workbook.sheetnames)
        if not names:
            problems.append(Problem(label, "import_bad_xlsx"))
            return Upload(label, "xlsx", None)
        if sheet is not None and sheet not in names:
            problems.append(Problem(label, "import_no_sheet", params={"sheet": sheet, "sheets": ", ".join(names)}))
            return Upload(label, "xlsx", None, names)
        chosen = sheet or names[0]
        worksheet = workbook[chosen]
        worksheet.reset_dimensions()  # do not trust the stored size; read what is there
        table = _sheet_table(worksheet, label, problems, max_rows, get_column_letter)
        return Upload(label, "xlsx", table, names, chosen)
    except Exception as exc:  # noqa: BLE001 - a broken sheet must be a message, not a traceback
        if isinstance(exc, (KeyboardInterrupt, MemoryError)):
            raise
        problems.append(Problem(label, "import_bad_xlsx"))
        return Upload(label, "xlsx", None)
    finally:
        workbook.close()


def _sheet_table(worksheet, label: str, problems: list[Problem], max_rows: int, letter) -> TextTable | None:
    header: list[str] | None = None
    header_row = 0
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    bad = False
    first = len(problems)
    # max_col: cells past the cap are never built, however wide the sheet claims to be.
    sheet_rows = enumerate(worksheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1), start=1)
    for number, cells in sheet_rows:
        if len(problems) - first >= MAX_CELL_PROBLEMS and header is not None:
            # A crafted or badly broken sheet: report the first problems and only count the rest,
            # so the work is bounded (it cost a minute and 1.4 GB to list three million of them).
            more, exact = _count_more(worksheet, sheet_rows, number, cells, header, header_row, len(rows), max_rows)
            code = "import_stopped" if not more else "import_stopped_more" if exact else "import_stopped_at_least"
            params = {"count": MAX_CELL_PROBLEMS, "more": f"{more:,}".replace(",", "\u00a0")}
            problems.append(Problem(label, code, row=number, params=params))
            return None
        values = [_xlsx_text(cell) for cell in cells[: MAX_COLUMNS + 1]]
        if header is None:
            if all(value is None for _, value in values):
                continue
            header_row = number
            named = [text or "" for _, text in values]
            while named and not named[-1].strip():
                named.pop()
            if len(named) > MAX_COLUMNS:
                problems.append(Problem(label, "import_too_many_columns", row=number, params={"limit": MAX_COLUMNS}))
                return None
            for index, (kind, _) in enumerate(values[: len(named)]):
                if kind == "formula":
                    problems.append(
                        Problem(
                            label,
                            "import_xlsx_formula",
                            row=number,
                            column=letter(index + 1),
                            params={"value": values[index][1]},
                        )
                    )
                    bad = True
            header = [normalise_header(name) for name in named]
            duplicates = sorted({name for name in header if name and header.count(name) > 1})
            for name in duplicates:
                problems.append(Problem(label, "duplicate_column", row=number, column=name, params={"name": name}))
            if duplicates or bad:
                return None
            header = [name or f"column_{index + 1}" for index, name in enumerate(header)]
            continue
        if all(value is None or not value.strip() for _, value in values):
            continue
        if len(rows) >= max_rows:
            problems.append(Problem(label, "too_many_rows", params={"limit": max_rows}))
            return None
        record: list[str | None] = []
        for index, (kind, value) in enumerate(values):
            column = header[index] if index < len(header) else letter(index + 1)
            if index >= len(header):
                if value is not None:
                    problems.append(
                        Problem(
                            label,
                            "import_xlsx_outside",
                            row=number,
                            column=letter(index + 1),
                            params={"value": str(value)[:40]},
                        )
                    )
                    bad = True
                continue
            if kind == "formula":
                problems.append(
                    Problem(label, "import_xlsx_formula", row=number, column=column, params={"value": str(value)[:60]})
                )
                bad = True
            record.append(value)
        record += [None] * (len(header) - len(record))
        rows.append(record)
        numbers.append(number)
    if header is None:
        problems.append(Problem(label, "empty_file"))
        return None
    if bad:
        return None
    if not rows:
        problems.append(Problem(label, "header_only", row=header_row))
        return None
    return TextTable(header, rows, numbers)


def _count_more(
    worksheet, sheet_rows, number: int, cells, header: list[str], header_row: int, data_rows: int, max_rows: int
) -> tuple[int, bool]:
    """How many problems the rest of the sheet holds, from row ``number`` on: ``(count, exact)``.

    Counts what the full read would report, without building a problem for each: a formula cell
    and a value outside the header's columns each count one, a sheet over ``max_rows`` rows one
    more (where the full read stops too). Exact for the first :data:`COUNT_CELLS` cells with a value; after that
    the formula cells found in the sheet's XML are added and the count is a lower bound.
    """
    more, seen = 0, 0
    row: tuple | None = (number, cells)
    while row is not None:
        number, cells = row
        values = [_xlsx_text(cell) for cell in cells[: MAX_COLUMNS + 1]]
        seen += 1 + sum(value is not None for _, value in values)  # padding to max_col costs little
        if not all(value is None or not value.strip() for _, value in values):
            if data_rows >= max_rows:
                return more + 1, True
            data_rows += 1
            for index, (kind, value) in enumerate(values):
                if index >= len(header):
                    more += value is not None
                else:
                    more += kind == "formula"
        if seen >= COUNT_CELLS:
            return more + _formula_cells_after(worksheet, number, header_row + max_rows), False
        row = next(sheet_rows, None)
    return more, True


def _formula_cells_after(worksheet, number: int, last_row: int) -> int:
    """Formula cells in the sheet's XML after row ``number`` and up to ``last_row`` (0 if the XML
    does not name its rows); the archive's sizes were bounded by :func:`xlsx_guard`."""
    try:
        with worksheet._get_source() as source:
            xml = source.read()
    except (AttributeError, OSError, KeyError, ValueError, zipfile.BadZipFile):
        return 0
    start = xml.find(b'<row r="%d"' % (number + 1))
    if start < 0:
        return 0
    end = xml.find(b'<row r="%d"' % (last_row + 1), start)
    end = len(xml) if end < 0 else end
    count = 0
    while start < end:  # in chunks ended at a row's end, so the copies stay small
        stop = xml.find(b"</row>", min(start + _COUNT_CHUNK, end))
        stop = end if stop < 0 or stop > end else stop
        count += _FORMULA_CELL.subn(b"", xml[start:stop])[1]
        start = stop
    return count


def _xlsx_text(cell) -> tuple[str, str | None]:
    """A workbook cell as the text a CSV export would hold: ``("formula"|"value", text)``."""
    value = getattr(cell, "value", None)
    if value is None:
        return "value", None
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and cell.data_type == "f"):
        return "formula", str(value)
    if type(value).__name__ in {"ArrayFormula", "DataTableFormula"}:
        return "formula", str(getattr(value, "text", value))
    if isinstance(value, bool):
        return "value", "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return "value", value.date().isoformat()
        return "value", value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return "value", value.isoformat()
    if isinstance(value, dt.time):
        return "value", value.isoformat()
    if isinstance(value, (int, float)):
        number = float(value)
        if "%" in (getattr(cell, "number_format", "") or ""):
            number = round(number * 100, 10)  # shown as 25 %, meant as 25 (percent metrics are 0-100)
        return "value", _number_text(number)
    text = str(value)
    return "value", text if text.strip() else None


def _number_text(number: float) -> str:
    """A number as Swedish Excel writes it in CSV: no grouping, decimal comma."""
    if math.isnan(number) or math.isinf(number):
        return str(number)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number).replace(".", ",")


def canonical_number(text: str, delimiter: str) -> str:
    """One way to write a number per file: no grouping, a decimal comma in a ``;`` file (as Swedish
    Excel writes it) and a decimal point in a ``,`` or tab file. Text that is not a number is kept."""
    number = parse_number(text)
    if number is None or math.isnan(number) or math.isinf(number):
        return text
    shown = _number_text(number)
    return shown if delimiter == ";" else shown.replace(",", ".")


def _canonical_numbers(table: TextTable) -> TextTable:
    """The value cells of new and changed rows in the file's own number form ("7 245" → "7245",
    "63,5" → "63.5" in a comma-separated file); notes and other text stay as typed."""
    if "metric" in table.columns:
        slots = [table.columns.index("value")] if "value" in table.columns else []
    else:
        slots = [i for i, name in enumerate(table.columns) if name not in {"date", "note", "source"}]
    if not slots:
        return table
    rows = []
    for number, row in zip(table.row_numbers, table.rows):
        if table.fresh is None or number in table.fresh:
            row = list(row)
            for slot in slots:
                cell = row[slot]
                if cell is not None:
                    row[slot] = canonical_number(cell, table.delimiter)
        rows.append(row)
    return dataclasses.replace(table, rows=rows)


# --- validation ---------------------------------------------------------------------------------


def check_table(
    con: duckdb.DuckDBPyConnection,
    target: DataFile,
    raw: RawTable,
    config: Config,
    today: dt.date,
    problems: list[Problem],
) -> pd.DataFrame | None:
    """Judge one table for ``target`` by the loader's rules; returns its rows (or ``None``)."""
    if target.kind == "metrics":
        if "metric" in raw.columns:  # long layout: say so when a column will not be read
            for name in raw.columns:
                if name not in LONG_COLUMNS and not name.startswith("column_"):
                    problems.append(
                        Problem(
                            raw.label, "unknown_column", row=1, column=name, severity="warning", params={"name": name}
                        )
                    )
        return check_metrics_table(con, raw, config, today, problems)
    return _check_register(con, target, raw, config, today, problems)


def _check_register(
    con, target: DataFile, raw: RawTable, config: Config, today: dt.date, problems: list[Problem]
) -> pd.DataFrame | None:
    """A register table judged by :mod:`kpi.read.registers`' own column and row rules.

    The register module reads files from a data folder; this applies the same header checks and
    its row checker to one table already in ``con`` (an upload keeps its own row numbers). Checks
    across registers (members present at a meeting vs. the member list) are left to the loader.
    """
    rows = registers.check_register_table(con, target.kind, raw, config, today, problems)
    if rows is not None:
        _check_duplicate_keys(rows, target, raw.label, problems)
    return rows


def _check_duplicate_keys(rows: pd.DataFrame, target: DataFile, label: str, problems: list[Problem]) -> None:
    """Two rows with the same key (member_id, ...) are one too many: the diff could not tell them apart."""
    if not set(target.key) <= set(rows.columns) or "row" not in rows.columns:
        return
    seen: dict[tuple, int] = {}
    for record in rows.to_dict("records"):
        key = tuple(comparable(record[name]) for name in target.key)
        if all(part == "" for part in key):
            continue
        if key in seen:
            problems.append(
                Problem(
                    label,
                    "import_duplicate_key",
                    row=int(record["row"]),
                    column=target.key[0],
                    severity="warning",
                    params={"value": " / ".join(key), "other": seen[key]},
                )
            )
        else:
            seen[key] = int(record["row"])


def validate_bytes(
    con: duckdb.DuckDBPyConnection,
    target: DataFile,
    data: bytes,
    label: str,
    config: Config,
    today: dt.date,
    problems: list[Problem],
) -> pd.DataFrame | None:
    """Read a whole file's bytes as the loader would and return its rows (used again at save time)."""
    raw = read_table(con, data, label, "check_raw", problems, max_rows=MAX_ROWS)
    if raw is None:
        return None
    return check_table(con, target, raw, config, today, problems)


def _strict(problems: Iterable[Problem], fresh: set[int] | None) -> list[Problem]:
    out = []
    for problem in problems:
        if (
            problem.severity == "warning"
            and problem.code in STRICT_CODES
            and (fresh is None or problem.row is None or problem.row in fresh)
        ):
            problem = dataclasses.replace(problem, severity="error", code=STRICT_CODES[problem.code])
        out.append(problem)
    return out


# Free-text columns: invisible characters are removed from them. In every other column (ids, codes,
# numbers, dates) an invisible character changes the meaning while looking the same, so it is refused.
TEXT_COLUMNS = frozenset({"note", "source", "name", "title", "evidence"})
_KEPT_IN_TEXT = {"\n", "\t"}
# Named in messages (problem.import_invisible_char); any other is named by its Unicode name.
INVISIBLE_NAMES = ("200B", "200C", "200D", "2060", "FEFF", "00AD", "200E", "200F")


def invisible_chars(text: str) -> list[str]:
    """Control and format characters (Unicode Cc and Cf) in ``text``: a 0x13 byte from a
    LibreOffice cp1252 save, zero-width spaces, a BOM in the middle of a file."""
    return [char for char in text if unicodedata.category(char) in {"Cc", "Cf"}]


def char_name(char: str) -> str:
    """A name a person can search for: a translated one (``@detail.char_200B``) or Unicode's."""
    code = f"{ord(char):04X}"
    if code in INVISIBLE_NAMES:
        return f"@detail.char_{code}"
    if unicodedata.category(char) == "Cc":
        return "@detail.char_control"
    return unicodedata.name(char, "?").lower()


def _without_invisible(table: TextTable, label: str, problems: list[Problem]) -> TextTable:
    """Clean invisible characters from free text, refuse them in ids, numbers and dates."""
    rows: list[list[str | None]] = []
    changed = False
    for number, row in zip(table.row_numbers, table.rows):
        new_row: list[str | None] = []
        for column, cell in zip(table.columns, row):
            if cell is not None and not cell.isprintable():
                found = [
                    char for char in invisible_chars(cell) if not (column in TEXT_COLUMNS and char in _KEPT_IN_TEXT)
                ]
                if found and column in TEXT_COLUMNS:
                    cell = "".join(char for char in cell if char not in found) or None
                    changed = True
                elif found:
                    shown = "".join(char if char.isprintable() else "·" for char in cell)[:60]
                    problems.append(
                        Problem(
                            label,
                            "import_invisible_char",
                            row=number,
                            column=column,
                            params={"char": f"U+{ord(found[0]):04X}", "name": char_name(found[0]), "value": shown},
                        )
                    )
            new_row.append(cell)
        rows.append(new_row)
    return dataclasses.replace(table, rows=rows) if changed else table


def _formula_like(text: str | None) -> bool:
    return text is not None and text.startswith(FORMULA_PREFIXES) and parse_number(text) is None


def _neutralised(table: TextTable, label: str, problems: list[Problem]) -> TextTable:
    rows = []
    for number, row in zip(table.row_numbers, table.rows):
        new_row = []
        for column, cell in zip(table.columns, row):
            if _formula_like(cell):
                problems.append(
                    Problem(
                        label,
                        "import_formula_text",
                        row=number,
                        column=column,
                        severity="warning",
                        params={
                            "value": str(cell)[:60].strip(),
                            "char": str(cell)[0].replace("\t", "tab").replace("\r", "CR"),
                        },
                    )
                )
                cell = neutralise(cell)
            new_row.append(cell)
        rows.append(new_row)
    return dataclasses.replace(table, rows=rows)


# --- the current file ---------------------------------------------------------------------------


@dataclass
class Current:
    """The target file as it is now: its bytes and hash (what a save will compare), table and rows."""

    file: DataFile
    label: str
    data: bytes | None
    sha256: str | None
    table: TextTable | None
    rows: pd.DataFrame | None
    problems: list[Problem]

    @property
    def exists(self) -> bool:
        return self.data is not None


def sha256_hex(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def read_current(data_dir: Path, target: DataFile, config: Config, today: dt.date | None = None) -> Current:
    """Read the target file once: the hash is of exactly the bytes the preview is made from."""
    today = today or clock.today()
    label = target.label(data_dir)
    try:
        data = target.path(data_dir).read_bytes()
    except FileNotFoundError:
        return Current(target, label, None, None, None, _empty_rows(target), [])
    problems: list[Problem] = []
    con = connect()
    raw = read_table(con, data, label, "current_raw", problems)
    table = rows = None
    if raw is not None:
        table = _table_from_raw(con, raw)
        table.line_end = _line_end(data)
        rows = check_table(con, target, raw, config, today, problems)
    return Current(target, label, data, sha256_hex(data), table, rows, problems)


def _empty_rows(target: DataFile) -> pd.DataFrame:
    if target.kind == "metrics":
        return pd.DataFrame(columns=["metric", "date", "value", "note", "source", "row"])
    return pd.DataFrame(columns=[*target.key, "row"])


# --- diff ---------------------------------------------------------------------------------------


def comparable(value: Any) -> str:
    """One text per cell value, so 6300, 6300.0 and "6300" compare equal and NaN equals empty."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0, 0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return comparable(value.item())
    return str(value).strip()


@dataclass
class Diff:
    """Rows added, changed (one line per changed cell: key, column, before, after) and removed."""

    key: tuple[str, ...]
    added: pd.DataFrame
    changed: pd.DataFrame
    removed: pd.DataFrame
    changed_rows: int = 0

    @property
    def counts(self) -> tuple[int, int, int]:
        return len(self.added), self.changed_rows, len(self.removed)

    @property
    def empty(self) -> bool:
        return self.counts == (0, 0, 0)


_IGNORED = {"row", "_row", "file", "file_order"}


def diff(current_rows: pd.DataFrame | None, new_rows: pd.DataFrame | None, key: Iterable[str]) -> Diff:
    """Compare two sets of rows by ``key``; a key that repeats counts once (the later row, as loaded)."""
    key = tuple(key)
    current_rows = current_rows if current_rows is not None else pd.DataFrame(columns=list(key))
    new_rows = new_rows if new_rows is not None else pd.DataFrame(columns=list(key))
    columns = [c for c in dict.fromkeys([*current_rows.columns, *new_rows.columns]) if c not in _IGNORED]
    others = [c for c in columns if c not in key]

    def index(frame: pd.DataFrame) -> dict[tuple, dict[str, str]]:
        table: dict[tuple, dict[str, str]] = {}
        for record in frame.to_dict("records"):
            cells = {c: comparable(record.get(c)) for c in columns}
            table[tuple(cells[c] for c in key)] = cells
        return table

    before, after = index(current_rows), index(new_rows)
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    changes, changed_rows = [], 0
    for k, cells in after.items():
        if k not in before:
            continue
        differing = [c for c in others if cells[c] != before[k][c]]
        if differing:
            changed_rows += 1
            for c in differing:
                changes.append({**dict(zip(key, k)), "column": c, "before": before[k][c], "after": cells[c]})
    return Diff(
        key,
        pd.DataFrame(added, columns=columns),
        pd.DataFrame(changes, columns=[*key, "column", "before", "after"]),
        pd.DataFrame(removed, columns=columns),
        changed_rows,
    )


# --- merging (add or update rows) ---------------------------------------------------------------


def _key_columns(table: TextTable, target: DataFile) -> tuple[str, ...]:
    if target.kind == "metrics" and "metric" not in table.columns and table.columns[:1] == ["date"]:
        return ("date",)  # wide layout: one row per date, one column per metric
    return target.key


def _row_key(table: TextTable, row: list[str | None], key: tuple[str, ...]) -> tuple[str, ...]:
    parts = []
    for name in key:
        cell = (row[table.columns.index(name)] or "").strip()
        parsed = parse_file_date(cell)
        cell = parsed.isoformat() if parsed else cell.casefold()
        parts.append(cell)
    return tuple(parts)


def merge(
    current: TextTable | None,
    upload: TextTable,
    target: DataFile,
    label: str,
    problems: list[Problem],
    existing: str = "update",
) -> TextTable | None:
    """Add the upload's rows to the current table, updating rows with the same key.

    Empty cells in the upload do not erase values (a sheet with only this month's column must
    not wipe the others); to remove a value use the editor or replace the whole file.
    ``existing="error"`` refuses a key that is already there (adding a member), ``"required"``
    refuses one that is not (marking a leaver).
    """
    if current is None:
        if existing == "required":
            for number, row in zip(upload.row_numbers, upload.rows):
                problems.append(
                    Problem(
                        label,
                        "import_key_missing",
                        row=number,
                        column=target.key[0],
                        params={"value": " / ".join(filter(None, row[: len(target.key)]))},
                    )
                )
            return None
        return dataclasses.replace(upload, fresh=None).renumbered()
    key = _key_columns(current, target)
    if (
        _key_columns(upload, target) != key
        or not set(key) <= set(upload.columns)
        or not set(key) <= set(current.columns)
    ):
        problems.append(
            Problem(
                label,
                "import_merge_columns",
                row=1,
                params={"columns": ", ".join(key), "found": ", ".join(upload.columns)},
            )
        )
        return None
    # A column the file does not have is added only if the upload fills it somewhere.
    columns = list(current.columns) + [
        c
        for i, c in enumerate(upload.columns)
        if c not in current.columns and any(row[i] is not None for row in upload.rows)
    ]
    rows = [list(row) + [None] * (len(columns) - len(row)) for row in current.rows]
    numbers = list(current.row_numbers)
    position = {_row_key(current, row, key): index for index, row in enumerate(current.rows)}
    fresh: set[int] = set()
    next_number = max(numbers, default=1) + 1
    original = {k: numbers[index] for k, index in position.items()}
    for upload_number, row in zip(upload.row_numbers, upload.rows):
        k = _row_key(upload, row, key)
        shown = " / ".join(part for part in (row[upload.columns.index(name)] for name in key) if part)
        if existing == "error" and k in position:
            problems.append(
                Problem(
                    label,
                    "import_key_exists",
                    row=upload_number,
                    column=key[0],
                    params={"value": shown, "other": original.get(k, "?")},
                )
            )
            continue
        if existing == "required" and k not in position:
            problems.append(
                Problem(label, "import_key_missing", row=upload_number, column=key[0], params={"value": shown})
            )
            continue
        if k in position:
            target_row = rows[position[k]]
            changed = False
            for name, cell in zip(upload.columns, row):
                if cell is None:
                    continue
                slot = columns.index(name)
                if target_row[slot] != cell:
                    target_row[slot], changed = cell, True
            if changed:
                fresh.add(numbers[position[k]])
        else:
            position[k] = len(rows)
            rows.append([row[upload.columns.index(name)] if name in upload.columns else None for name in columns])
            numbers.append(next_number)
            fresh.add(next_number)
            next_number += 1
    if errors(problems):
        return None
    if len(columns) > len(current.columns):
        fresh.add(1)
    merged = TextTable(columns, rows, numbers, current.delimiter, current.line_end, fresh)
    return merged.renumbered()


# --- previews -----------------------------------------------------------------------------------


@dataclass
class Preview:
    """Everything the person confirms: parsed rows, every problem, the diff and the exact bytes."""

    file: DataFile
    label: str  # the target file, e.g. data/metrics/manual.csv
    source_label: str  # what the rows came from (the uploaded file's name, "quick entry", ...)
    mode: str
    table: TextTable | None
    rows: pd.DataFrame | None
    problems: list[Problem]
    diff: Diff | None
    expected_sha256: str | None  # hash of the current file this preview was made from; None: no file
    data: bytes | None  # what a confirm writes
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)

    @property
    def clean(self) -> bool:
        """Saving is offered only for a preview without errors that changes something."""
        return self.data is not None and not self.errors and self.diff is not None and not self.diff.empty

    @property
    def unchanged(self) -> bool:
        return self.data is not None and not self.errors and self.diff is not None and self.diff.empty

    @property
    def removals(self) -> int:
        """Rows of the current file that saving this preview removes (0 for a merge).

        A save that removes rows must be confirmed a second time (the page's tick box, the
        command line's ``--allow-removals``): a monthly sheet in the wrong mode must not wipe history.
        """
        return 0 if self.diff is None else self.diff.counts[2]


def build_preview(
    data_dir: Path,
    config: Config,
    target: DataFile,
    table: TextTable | None,
    problems: list[Problem],
    *,
    source_label: str,
    today: dt.date | None = None,
    mode: Mode = "replace",
    current: Current | None = None,
    sheets: list[str] | None = None,
    sheet: str | None = None,
) -> Preview:
    """Check ``table`` as the new content of ``target`` and compare it with the current file.

    ``problems`` are those found while reading the table; the preview adds the checks of the
    whole new file. When merging, the table is first checked on its own, so that its problems
    name its own rows; the merged file is then checked for what only the whole file shows.
    """
    today = today or clock.today()
    current = current or read_current(data_dir, target, config, today)
    found = list(problems)

    def result(final: TextTable | None = None, rows=None, changes=None, data=None) -> Preview:
        return Preview(
            target,
            current.label,
            source_label,
            mode,
            final,
            rows,
            found,
            changes,
            current.sha256,
            data,
            sheets or [],
            sheet,
        )

    if table is None:
        return result()
    table = _without_invisible(table, source_label, found)
    if errors(found):
        return result()
    if mode in _EXISTING:
        if mode != "update":  # an update row holds only the cells it changes
            _check(dataclasses.replace(table, fresh=None), target, config, today, source_label, found)
            if errors(found):
                return result()
        if any(_formula_like(cell) for row in table.rows for cell in row):
            table = _neutralised(table, source_label, found)
        final = merge(current.table, table, target, source_label, found, existing=_EXISTING[mode])
        label = current.label
    else:
        final = dataclasses.replace(table, fresh=_fresh_rows(table, current.table))
        label = source_label
    if final is None:
        return result()
    if current.table is not None:
        final.delimiter, final.line_end = current.table.delimiter, current.table.line_end
    elif current.data is None:
        final.delimiter, final.line_end = ";", "\n"
    if target.kind == "metrics":
        final = _canonical_numbers(final)

    whole: list[Problem] = []
    rows = _check(final, target, config, today, label, whole)
    if not errors(whole) and rows is not None and any(_formula_like(cell) for row in final.rows for cell in row):
        made_inert: list[Problem] = []
        final = _neutralised(final, label, made_inert)
        whole = []
        rows = _check(final, target, config, today, label, whole)
        whole += made_inert
    if mode in _EXISTING:  # the upload's own warnings were reported above, by its own rows
        fresh = final.fresh or set()
        whole = [p for p in whole if p.severity == "error" or p.row not in fresh or p.code == "import_formula_text"]
    if target.kind == "metrics" and rows is not None and not errors(whole):
        whole += _found_elsewhere(data_dir, target, config, today, rows, final.fresh, label)
    found.extend(whole)
    if errors(found) or rows is None:
        return result(final, rows)
    return result(final, rows, diff(current.rows, rows, target.key), final.to_bytes())


def _found_elsewhere(
    data_dir: Path,
    target: DataFile,
    config: Config,
    today: dt.date,
    rows: pd.DataFrame,
    fresh: set[int] | None,
    label: str,
) -> list[Problem]:
    """New observations whose metric and date are already in another metrics file.

    The loader would keep only one of the two (the later file's), so a value typed into the wrong
    file could silently not count: the person is told which file already holds it.
    """
    others: dict[tuple[str, str], str] = {}
    for other in metrics_data_files(data_dir):
        if other == target:
            continue
        other_label = other.label(data_dir)
        found = read_metrics_file(connect(), other.path(data_dir), other_label, config, today, [])
        for record in [] if found is None else found.to_dict("records"):
            others.setdefault((str(record["metric"]), comparable(record["date"])), f"{other_label}:{record['row']}")
    problems = []
    for record in rows.to_dict("records"):
        if fresh is not None and int(record["row"]) not in fresh:
            continue
        where = others.get((str(record["metric"]), comparable(record["date"])))
        if where:
            problems.append(
                Problem(
                    label,
                    "import_elsewhere",
                    row=int(record["row"]),
                    column="date",
                    params={"metric": record["metric"], "date": comparable(record["date"]), "other": where},
                )
            )
    return problems


def _check(
    table: TextTable, target: DataFile, config: Config, today: dt.date, label: str, problems: list[Problem]
) -> pd.DataFrame | None:
    found: list[Problem] = []
    if not table.rows:
        found.append(Problem(label, "header_only", row=1))
        problems.extend(found)
        return None
    con = connect()
    raw = _to_duckdb(con, table, label, "preview_raw")
    rows = check_table(con, target, raw, config, today, found)
    problems.extend(_strict(found, table.fresh))
    return rows


def _fresh_rows(table: TextTable, current: TextTable | None) -> set[int] | None:
    """Row numbers of ``table`` whose content is not already a row of the current file."""
    if current is None:
        return None
    existing = {tuple((cell or "").strip() for cell in _aligned(current, table.columns, row)) for row in current.rows}
    fresh = {
        number
        for number, row in zip(table.row_numbers, table.rows)
        if tuple((cell or "").strip() for cell in row) not in existing
    }
    if set(table.columns) - set(current.columns):
        fresh.add(1)  # a new column: its header problems are about what is being added now
    return fresh


def _aligned(source: TextTable, columns: list[str], row: list[str | None]) -> list[str | None]:
    return [row[source.columns.index(name)] if name in source.columns else None for name in columns]


def preview_upload(
    data_dir: Path,
    config: Config,
    target: DataFile,
    data: bytes,
    filename: str,
    *,
    today: dt.date | None = None,
    sheet: str | None = None,
    mode: Mode = "merge",
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_rows: int = MAX_ROWS,
    label: str | None = None,
) -> Preview:
    """An uploaded file (CSV or XLSX) as the new content of ``target``, checked and compared.

    ``label`` names the file in messages (the command line passes the path as typed); by default
    it is the uploaded name's last part. It is never used to open or write anything.
    """
    problems: list[Problem] = []
    upload = read_upload(data, filename, problems, sheet=sheet, max_bytes=max_bytes, max_rows=max_rows, label=label)
    return build_preview(
        data_dir,
        config,
        target,
        upload.table,
        problems,
        source_label=upload.label,
        today=today,
        mode=mode,
        sheets=upload.sheets,
        sheet=upload.sheet,
    )


def preview_edit(
    data_dir: Path,
    config: Config,
    target: DataFile,
    frame: pd.DataFrame,
    current: Current,
    *,
    source_label: str,
    today: dt.date | None = None,
) -> Preview:
    """The edited table (from ``st.data_editor``) as the whole new file, against the same current file."""
    table = table_from_frame(frame, like=current.table)
    return build_preview(
        data_dir, config, target, table, [], source_label=source_label, today=today, mode="replace", current=current
    )


def quick_entry_table(
    current: Current, metric_id: str, date: dt.date | str | None, value: str | float | None, note: str | None = None
) -> TextTable:
    """One observation as a one-row table in the layout of the current file (long or wide)."""
    date_text = date.isoformat() if isinstance(date, dt.date) else (str(date).strip() if date else None)
    number = parse_number(value) if value is not None and str(value).strip() else None
    value_text = _number_text(number) if number is not None else (_clean_cell(value) if value is not None else None)
    note = _clean_cell(note.strip()) if isinstance(note, str) else None
    table = current.table
    if table is not None and "metric" not in table.columns and table.columns[:1] == ["date"]:
        return TextTable(["date", metric_id], [[date_text, value_text]], [2])
    return TextTable(["metric", "date", "value", "note"], [[metric_id, date_text, value_text, note]], [2])


def preview_quick_entry(
    data_dir: Path,
    config: Config,
    target: DataFile,
    metric_id: str,
    date: dt.date | str | None,
    value: str | float | None,
    note: str | None,
    *,
    source_label: str,
    today: dt.date | None = None,
) -> Preview:
    """Add (or correct) one month's figure in a metrics file; the file is created if missing."""
    current = read_current(data_dir, target, config, today)
    table = quick_entry_table(current, metric_id, date, value, note)
    return build_preview(
        data_dir, config, target, table, [], source_label=source_label, today=today, mode="merge", current=current
    )


def preview_rows(
    data_dir: Path,
    config: Config,
    target: DataFile,
    columns: list[str],
    rows: list[list[Any]],
    *,
    source_label: str,
    today: dt.date | None = None,
    mode: Mode = "merge",
) -> Preview:
    """Rows from a form (a new member, a leaver) merged into a register by its key."""
    cells = [[_clean_cell(cell.isoformat() if isinstance(cell, dt.date) else cell) for cell in row] for row in rows]
    table = TextTable([normalise_header(c) for c in columns], cells, [index + 2 for index in range(len(cells))])
    return build_preview(data_dir, config, target, table, [], source_label=source_label, today=today, mode=mode)


# --- choices for the Data page (kept here so the page only renders) -----------------------------

MANUAL = DataFile("metrics", "manual")


def entry_metrics(config: Config) -> list:
    """Metrics whose values are typed in (not computed from a register), in targets.yaml's order."""
    return [metric for metric in config.metrics if metric.source is None]


def computed_from(metric) -> str | None:
    """The register file a computed metric is counted from (``members.csv``), or ``None`` when its
    values are typed in; the metric picker marks these and sends the person there instead."""
    source = getattr(metric, "source", None)
    if source is None:
        return None
    register = REGISTERS.get(source.register_name)
    return register.file if register is not None else f"{source.register_name}.csv"


def upload_files(data_dir: Path) -> list[DataFile]:
    """Every file an upload may replace: the metrics files, metrics/manual.csv and the registers."""
    found = metrics_data_files(data_dir)
    if MANUAL not in found:
        found.append(MANUAL)
    return found + [DataFile(name, name) for name in REGISTERS]


def entry_files(data_dir: Path) -> list[DataFile]:
    """The metrics files a quick entry may add to (manual.csv is created on first save)."""
    return [target for target in upload_files(data_dir) if target.kind == "metrics"]


def editable_files(data_dir: Path) -> list[DataFile]:
    """Files that exist and can be edited as a table."""
    registers = [DataFile(name, name) for name in REGISTERS if DataFile(name, name).path(data_dir).is_file()]
    return registers + metrics_data_files(data_dir)


def suggested_file(dataset, metric_id: str) -> DataFile:
    """Where a new value for ``metric_id`` belongs: the file of its latest value, else manual.csv."""
    try:
        frame = dataset.observations(metric_id)
    except (duckdb.Error, AttributeError):
        return MANUAL
    for label in reversed(list(frame["file"])) if len(frame) else []:
        name = str(label).rsplit("/", 1)[-1]
        try:
            target = parse_data_file(f"metrics/{name}")
        except DataError:
            continue
        if target.path(dataset.data_dir).is_file():
            return target
    return MANUAL


def default_entry_date(today: dt.date) -> dt.date:
    """Monthly figures are dated the last day of the month they describe: the month before today."""
    return today.replace(day=1) - dt.timedelta(days=1)


def next_member_id(rows: pd.DataFrame | None) -> str:
    """The next id in the register's own numbering (``M041`` after ``M040``), or ``M001``."""
    ids = [str(value) for value in (rows["member_id"] if rows is not None and "member_id" in rows else [])]
    numbered = [match for match in (re.fullmatch(r"(\D*)(\d+)", value) for value in ids) if match]
    if not numbered:
        return "M001"
    prefix, digits = max(((m.group(1), m.group(2)) for m in numbered), key=lambda pair: int(pair[1]))
    return f"{prefix}{int(digits) + 1:0{len(digits)}d}"


def active_members(rows: pd.DataFrame | None) -> list[tuple[str, str]]:
    """``(member_id, name)`` of members who have not left, for choosing a leaver."""
    if rows is None or "member_id" not in rows:
        return []
    out = []
    for record in rows.to_dict("records"):
        if comparable(record.get("left")) == "":
            out.append((str(record["member_id"]), comparable(record.get("name"))))
    return out
