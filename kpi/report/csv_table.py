"""The CSV report: the status table of ``kpi status --format csv`` plus notes and comments."""

from __future__ import annotations

import csv
import io
from typing import Any

from kpi.report.content import ReportContent
from kpi.show.status import status_table
from kpi.text.cells import neutralise


def render_csv(content: ReportContent) -> bytes:
    """The status table: the columns of ``kpi status --format csv``, then ``value_note`` (the note
    on the observation behind the value) and, from a board pack, the board's ``comment``.

    ``default``: comma and decimal point, the same cells as ``kpi status --format csv``.

    ``excel-sv``: semicolon, decimal comma, UTF-8 with BOM and CRLF, which Swedish Excel opens
    by double-click with numbers as numbers. Text cells that a spreadsheet would run as a formula
    are neutralised in both; numbers are formatted after that, so a negative number stays a number.
    """
    header, rows = status_table(content.statuses, content.lang)
    header = header + ["value_note"]
    rows = [row + [content.value_note(item)] for row, item in zip(rows, content.statuses)]
    if content.pack is not None:
        header = header + ["comment"]
        rows = [row + [content.comments.get(row[0], "")] for row in rows]
    swedish = content.spec.csv_dialect == "excel-sv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if swedish else ",", lineterminator="\r\n" if swedish else "\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(cell, swedish) for cell in row])
    return (("\ufeff" if swedish else "") + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Any, swedish: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if swedish and isinstance(value, float):
        return repr(value).replace(".", ",")
    return str(value)
