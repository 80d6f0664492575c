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
  result may be stale and its text is not data. Only the active (else the first visible) sheet is read unless one is chosen; a hidden sheet only when named.
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

import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from kpi import clock
from kpi.model.problems import DataError, Problem, errors
from kpi.model.registers import REGISTERS
from kpi.model.targets import Config
from kpi.read import registers
from kpi.read.load import check_metrics_table, read_metrics_file
from kpi.read.tables import (
    RawTable,
    connect,
    normalise_header,
    parse_number,
    read_table,
)
from kpi.text.cells import FORMULA_PREFIXES, neutralise
from kpi.write.diff import EXISTING, Diff, Mode, comparable, diff, merge
from kpi.write.files import LONG_COLUMNS, DataFile, metrics_data_files, parse_data_file
from kpi.write.upload import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    TextTable,
    canonical_numbers,
    clean_cell,
    line_end,
    number_text,
    read_upload,
    table_from_frame,
    table_from_raw,
    to_duckdb,
)

# with a message that says what to fix instead of what the loader will do.
STRICT_CODES = {
    "unknown_metric": "import_unknown_metric",
    "register_metric": "import_register_metric",
    "duplicate_observation": "import_duplicate_observation",
    "unknown_column": "import_unknown_column",
    "register_unknown_column": "import_register_unknown_column",
    "import_duplicate_key": "import_duplicate_key",
}


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


def _strict(problems: Iterable[Problem], fresh: set[int] | None, config: Config | None = None) -> list[Problem]:
    out = []
    for problem in problems:
        if (
            problem.severity == "warning"
            and problem.code in STRICT_CODES
            and (fresh is None or problem.row is None or problem.row in fresh)
        ):
            problem = dataclasses.replace(problem, severity="error", code=STRICT_CODES[problem.code])
            closest = closest_id(str(problem.params.get("value", "")), config) if config is not None else None
            if problem.code == "import_unknown_metric" and closest is not None:
                problem = dataclasses.replace(
                    problem, code="import_unknown_metric_closest", params={**problem.params, "closest": closest}
                )
        out.append(problem)
    return out


def closest_id(text: str, config: Config) -> str | None:
    """The goal id nearest to what was typed (``newsletter_subscriber`` → ``newsletter_subscribers``)."""
    import difflib

    found = difflib.get_close_matches(text.strip().casefold(), config.metric_ids(), n=1, cutoff=0.6)
    return found[0] if found else None


def goal_names_as_ids(table: TextTable, config: Config, label: str, problems: list[Problem]) -> TextTable:
    """A goal's Swedish or English name where its id is asked ("Prenumeranter på nyhetsbrevet" in the
    metric column) is read as the id, with a note; anything else is left for the checks to judge."""
    if "metric" not in table.columns:
        return table
    names: dict[str, str] = {}
    for metric in config.metrics:
        for name in (metric.name.sv, metric.name.en):
            if name:
                names.setdefault(name.strip().casefold(), metric.id)
    ids = set(config.metric_ids())
    slot = table.columns.index("metric")
    rows = []
    for number, row in zip(table.row_numbers, table.rows):
        cell = (row[slot] or "").strip()
        goal = names.get(cell.casefold()) if cell not in ids else None
        if goal is not None:
            row = [*row[:slot], goal, *row[slot + 1 :]]
            problems.append(
                Problem(
                    label,
                    "import_goal_name",
                    row=number,
                    column="metric",
                    severity="warning",
                    params={"value": cell, "id": goal},
                )
            )
        rows.append(row)
    return dataclasses.replace(table, rows=rows)


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
        table = table_from_raw(con, raw)
        table.line_end = line_end(data)
        rows = check_table(con, target, raw, config, today, problems)
    return Current(target, label, data, sha256_hex(data), table, rows, problems)


def _empty_rows(target: DataFile) -> pd.DataFrame:
    if target.kind == "metrics":
        return pd.DataFrame(columns=["metric", "date", "value", "note", "source", "row"])
    return pd.DataFrame(columns=[*target.key, "row"])


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
    if target.kind == "metrics":
        table = goal_names_as_ids(table, config, source_label, found)
    if mode in EXISTING:
        if mode != "update":  # an update row holds only the cells it changes
            _check(dataclasses.replace(table, fresh=None), target, config, today, source_label, found)
            if errors(found):
                return result()
        if any(_formula_like(cell) for row in table.rows for cell in row):
            table = _neutralised(table, source_label, found)
        final = merge(current.table, table, target, source_label, found, existing=EXISTING[mode])
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
        final = canonical_numbers(final)

    whole: list[Problem] = []
    rows = _check(final, target, config, today, label, whole)
    if not errors(whole) and rows is not None and any(_formula_like(cell) for row in final.rows for cell in row):
        made_inert: list[Problem] = []
        final = _neutralised(final, label, made_inert)
        whole = []
        rows = _check(final, target, config, today, label, whole)
        whole += made_inert
    if mode in EXISTING:  # the upload's own warnings were reported above, by its own rows
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
    raw = to_duckdb(con, table, label, "preview_raw")
    rows = check_table(con, target, raw, config, today, found)
    problems.extend(_strict(found, table.fresh, config))
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
    value_text = number_text(number) if number is not None else (clean_cell(value) if value is not None else None)
    note = clean_cell(note.strip()) if isinstance(note, str) else None
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
    cells = [[clean_cell(cell.isoformat() if isinstance(cell, dt.date) else cell) for cell in row] for row in rows]
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
