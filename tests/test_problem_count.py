"""A sheet full of problems: the first ones are listed, the rest counted cheaply (issue 14).

The count says exactly how many more there are while it stays cheap, and "at least" once it had to
be bounded; either way no problem object is built for the rest.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from kpi.read.targets import load_config
from kpi.write import imports
from kpi.write import upload as uploads
from kpi.write.files import DataFile
from tests.support import FIXTURES, TODAY

COMMUNICATION = DataFile("metrics", "communication")
CONFIG = load_config(FIXTURES / "basic" / "targets.yaml")


def _book(rows: list[list]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Blad1")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _last(data, rows: list[list]) -> tuple[str, str, int]:
    preview = imports.preview_upload(data, CONFIG, COMMUNICATION, _book(rows), "many.xlsx", today=TODAY)
    problems = preview.problems
    assert len(problems) == uploads.MAX_CELL_PROBLEMS + 1
    return problems[-1].code, problems[-1].format("sv"), problems[-1].row


def _formula_rows(count: int, start: int = 2) -> list[list]:
    return [["social_followers", "2026-06-30", f"=C{i}+1"] for i in range(start, start + count)]


def test_the_rest_is_counted_exactly_outside_cells_and_formulas_alike(data):
    # 250 formula rows, then 30 rows with a value outside the header and a formula each (2 problems
    # per row), 10 empty rows (no problem) and 5 plain rows.
    rows = [["metric", "date", "value"], *_formula_rows(250)]
    rows += [["social_followers", "2026-06-30", "=1+1", "stray"] for _ in range(30)]
    rows += [[None, None, None]] * 10 + [["social_followers", "2026-06-30", 5]] * 5
    code, text, row = _last(data, rows)
    assert (code, row) == ("import_stopped_more", uploads.MAX_CELL_PROBLEMS + 2)
    assert text == (
        f"many.xlsx:{row}: läsningen avbröts efter de första 200 problemen, och 110 problem till finns; "
        "rätta dem och ladda upp igen"
    )


def test_nothing_more_after_the_cut_keeps_the_plain_message(data):
    rows = [["metric", "date", "value"], *_formula_rows(200), ["social_followers", "2026-06-30", 1]]
    code, text, _row = _last(data, rows)
    assert code == "import_stopped"
    assert "läsningen avbröts efter de första 200 problemen; rätta dem" in text


def test_a_sheet_over_the_row_limit_counts_one_more_where_the_full_read_would_stop(data):
    rows = [["metric", "date", "value"], *_formula_rows(260)]
    preview = imports.preview_upload(data, CONFIG, COMMUNICATION, _book(rows), "many.xlsx", today=TODAY, max_rows=220)
    problems = preview.problems
    # 200 listed, then rows 201-220 hold 20 more formulas and the 221st data row is "too many rows".
    assert problems[-1].code == "import_stopped_more"
    assert problems[-1].params["more"] == "21"


def test_a_huge_count_is_bounded_and_says_at_least(data, monkeypatch):
    monkeypatch.setattr(uploads, "COUNT_CELLS", 300)
    monkeypatch.setattr(uploads, "_COUNT_CHUNK", 4096)  # several chunks, each ended at a row's end
    rows = [["metric", "date", "value"], *_formula_rows(5000)]
    code, text, _row = _last(data, rows)
    assert code == "import_stopped_at_least"
    # Every formula after the cut is found by the scan: the count is right, only its proof is bounded.
    assert "och minst 4\u00a0800 problem till finns" in text


@pytest.mark.parametrize("cells", [300, 50_000])
def test_the_exact_and_the_scanned_count_agree(data, monkeypatch, cells):
    monkeypatch.setattr(uploads, "COUNT_CELLS", cells)
    rows = [["metric", "date", "value"], *_formula_rows(3000)]
    preview = imports.preview_upload(data, CONFIG, COMMUNICATION, _book(rows), "many.xlsx", today=TODAY)
    assert preview.problems[-1].params["more"] == "2\u00a0800"
