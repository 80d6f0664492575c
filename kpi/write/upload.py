"""An uploaded file read into a :class:`TextTable`: every cell as the text a person typed.

A CSV (Swedish Excel's semicolons, decimal commas, Windows-1252 or UTF-8 with BOM) is read by the
project's one CSV reader; an ``.xlsx`` is checked before openpyxl opens it (declared sizes, zip
bombs), read only, formulas never calculated (a formula cell is an error asking for values), and
after the first problems the rest are counted, not built, so a crafted sheet stays quick.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from kpi.model.problems import Problem
from kpi.read.tables import (
    MAX_COLUMNS,
    RawTable,
    connect,
    normalise_header,
    parse_file_date,
    parse_number,
    read_table,
    sql_with,
)

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


def clean_cell(value: Any) -> str | None:
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
        cells = [clean_cell(value) for value in record]
        if any(cell is not None for cell in cells):
            rows.append(cells)
    table = TextTable(columns, rows, [index + 2 for index in range(len(rows))])
    if like is not None:
        table.delimiter, table.line_end = like.delimiter, like.line_end
    return table


def _identifier(name: str) -> str:
    """A table name chosen by this module (never user text), checked by the loader's one rule."""
    return sql_with("{name}", name=name)


def table_from_raw(con: duckdb.DuckDBPyConnection, raw: RawTable) -> TextTable:
    result = con.execute("SELECT * FROM " + _identifier(raw.name) + " ORDER BY _row").fetchall()
    rows, numbers = [], []
    for record in result:
        cells = [clean_cell(cell) for cell in record[1:]]
        if any(cell is not None for cell in cells):
            rows.append(cells)
            numbers.append(int(record[0]))
    return TextTable(list(raw.columns), rows, numbers, delimiter=raw.delimiter)


def to_duckdb(con: duckdb.DuckDBPyConnection, table: TextTable, label: str, name: str) -> RawTable:
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


def line_end(data: bytes) -> str:
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
    table = table_from_raw(con, raw)
    table.line_end = line_end(data)
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
        # A hidden sheet (Excel's "Dölj") is never read unless named: the person did not see it.
        visible = [name for name in names if getattr(workbook[name], "sheet_state", "visible") == "visible"]
        if sheet is not None and sheet not in names:
            problems.append(Problem(label, "import_no_sheet", params={"sheet": sheet, "sheets": ", ".join(names)}))
            return Upload(label, "xlsx", None, names)
        if sheet is None and not visible:
            problems.append(Problem(label, "import_only_hidden", params={"sheets": ", ".join(names)}))
            return Upload(label, "xlsx", None, names)
        active = getattr(workbook.active, "title", None) if sheet is None else None
        chosen = sheet or (active if active in visible else visible[0])
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
        return "value", number_text(number)
    text = str(value)
    return "value", text if text.strip() else None


def number_text(number: float) -> str:
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
    shown = number_text(number)
    return shown if delimiter == ";" else shown.replace(",", ".")


def canonical_numbers(table: TextTable) -> TextTable:
    """The value cells of new and changed rows in the file's own number form ("7 245" → "7245",
    "63,5" → "63.5" in a comma-separated file) and their dates as ISO ("30/06/2026" → "2026-06-30");
    notes and other text stay as typed."""
    if "metric" in table.columns:
        slots = [table.columns.index("value")] if "value" in table.columns else []
    else:
        slots = [i for i, name in enumerate(table.columns) if name not in {"date", "note", "source"}]
    dates = [table.columns.index("date")] if "date" in table.columns else []
    if not slots and not dates:
        return table
    rows = []
    for number, row in zip(table.row_numbers, table.rows):
        if table.fresh is None or number in table.fresh:
            row = list(row)
            for slot in slots:
                cell = row[slot]
                if cell is not None:
                    row[slot] = canonical_number(cell, table.delimiter)
            for slot in dates:  # 30/06/2026 is saved as 2026-06-30, the one form of the data files
                day = parse_file_date(row[slot]) if row[slot] and "/" in (row[slot] or "") else None
                if day is not None:
                    row[slot] = day.isoformat()
        rows.append(row)
    return dataclasses.replace(table, rows=rows)
