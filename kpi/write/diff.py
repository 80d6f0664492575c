"""What an upload changes: rows added, changed and removed against the current file (compared by the
rows' keys), and merging new rows into it (add, update, or both).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from kpi.model.problems import Problem, errors
from kpi.read.tables import (
    parse_file_date,
)
from kpi.write.files import DataFile
from kpi.write.upload import TextTable

# replace: the table is the whole new file; merge: add rows and update rows with the same key;
# add: add rows, a key already there is an error; update: update rows, a key not there is an error.
Mode = Literal["replace", "merge", "add", "update"]
EXISTING = {"merge": "update", "add": "error", "update": "required"}
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
