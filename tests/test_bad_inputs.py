"""Every bad upload is refused with a message that says what to fix, and changes nothing.

Each file in tests/bad_inputs/ is imported into a temporary copy of a data folder twice: through
kpi.write.imports + kpi.write.store (the Data page's path) and through ``python -m kpi import``. Afterwards
every file under the data folder has the same sha256 as before (tests/conftest.py tree_digest).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.read.targets import load_config
from kpi.write import files as write_files
from kpi.write import imports, store, upload
from tests.support import FIXTURES, tree_digest

# The whole module runs in the full suite, not the quick one: the catalogue of broken inputs, one load or preview each: ~14 CPU-s.
pytestmark = pytest.mark.slow

BAD = Path(__file__).parent / "bad_inputs"
TODAY = dt.date(2026, 11, 23)
INTO = "metrics/communication.csv"
REGISTERS = ("members", "activities", "agreements", "milestones")

# {file} is the name as the message shows it. Files named after a register go into that register of
# tests/fixtures/registers; register_metric.csv into metrics/manual.csv there; the rest into INTO of
# tests/fixtures/basic.
EXPECTED: dict[str, list[str]] = {
    "mixed_separators.csv": ["{file}:2: the row has 1 fields but the header has 3 (separator ';')"],
    "broken_quote.csv": ['{file}:2: the row cannot be read as CSV: a quotation mark (") is not closed'],
    "header_only.csv": ["{file}:1: the file has a header row but no data rows"],
    "missing_column.csv": ['{file}:1:date: column "date" is missing (found: metric, value)'],
    "extra_column.csv": [
        '{file}:1:ansvarig: column "ansvarig" is neither a metric in targets.yaml nor a known '
        "column (metric, date, value, note, source); rename or remove it"
    ],
    "extra_field.csv": ["{file}:2: the row has 4 fields but the header has 3 (separator ';')"],
    "decimal_comma_in_comma_file.csv": ["{file}:2: the row has 4 fields but the header has 3 (separator ',')"],
    "text_in_number.csv": ['{file}:2:value: "sju tusen" is not a number'],
    "impossible_date.csv": ['{file}:2:date: "2026-02-30" is not a date in the form YYYY-MM-DD'],
    "american_date.csv": ['{file}:2:date: "06/30/2026" is not a date in the form YYYY-MM-DD'],
    "negative_count.csv": ["{file}:2:value: -50 is below the allowed minimum (0) for newsletter_subscribers"],
    "percent_over_100.csv": ["{file}:2:value: 120 is above the allowed maximum (100) for stores_local_food_pct"],
    "duplicate_rows.csv": [
        "{file}:3:date: newsletter_subscribers 2026-06-30 also appears at {file}:2; keep only one of the rows"
    ],
    "unknown_metric.csv": [
        '{file}:2:metric: "nyhetsbrev" is not a metric in targets.yaml; check the spelling of the id'
    ],
    "empty_cells.csv": ["{file}:2:date: the value is missing", "{file}:3:value: the value is missing"],
    "wide_unknown_column.csv": [
        '{file}:1:utbildningar: column "utbildningar" is neither a metric in targets.yaml nor '
        "a known column (metric, date, value, note, source); rename or remove it"
    ],
    "hyperlink_in_number.csv": ['{file}:2:value: "=HYPERLINK("http://example.com";"7050")" is not a number'],
    "at_formula_in_number.csv": ['{file}:2:value: "@SUM(1+1)" is not a number'],
    "empty.csv": ["{file}: the file is empty (0 bytes); save it again from Excel as CSV"],
    "png_renamed.csv": [
        "{file}: the file is not a text file (it looks like a PNG image); save it as CSV "
        "(semicolon-separated) or CSV UTF-8"
    ],
    "pdf_renamed.csv": [
        "{file}: the file is not a text file (it looks like a PDF document); save it as CSV "
        "(semicolon-separated) or CSV UTF-8"
    ],
    "old_excel_renamed.csv": [
        "{file}: the file is not a text file (it looks like an old Excel .xls file); save it as "
        "CSV (semicolon-separated) or CSV UTF-8"
    ],
    "utf16.csv": [
        '{file}: the file is saved as UTF-16 ("Unicode text"); save it as "CSV UTF-8" or "CSV (semicolon delimited)"'
    ],
    # The encoding guess at the end comes from charset-normalizer; only the start is fixed.
    "wrong_encoding.csv": ["{file}:2: the file is neither UTF-8 nor Windows-1252 (byte 0x81 on line 2…"],
    "not_a_workbook.xlsx": [
        "{file}: the file is named .xlsx but is not an Excel workbook; save it again from Excel as "
        '"Excel Workbook (*.xlsx)" or as CSV'
    ],
    "corrupt.xlsx": [
        "{file}: the Excel file cannot be read (damaged or not an .xlsx workbook); open it in Excel and "
        "save it again, or save it as CSV"
    ],
    "zip_bomb.xlsx": [
        "{file}: the Excel file unpacks to 17 MB, far too much for a table; it is not opened. Save the "
        "sheet as CSV instead"
    ],
    "formulas.xlsx": [
        "{file}:3:value: the cell holds a formula (=C2+150); formulas are never calculated here. Copy "
        "the column and paste it as values (Paste Special → Values)"
    ],
    "xlsx_header_only.xlsx": ["{file}:1: the file has a header row but no data rows"],
    "xlsx_text_in_number.xlsx": ['{file}:3:value: "cirka 7000" is not a number'],
    "xlsx_outside_header.xlsx": [
        '{file}:2:E: the cell "glömd anteckning" is in a column without a header; give the '
        "column a header or remove the value"
    ],
    "cr_only.csv": ['{file}:3:value: "sju tusen" is not a number'],
    "wide_header.csv": ["{file}:1: the header row has more than 200 columns; remove empty or extra columns"],
    "long_cell.csv": [
        "{file}:2: a cell is longer than 5000 characters; shorten the text or check that the file really is a table"
    ],
    # Invisible characters: refused in ids, numbers and dates, named by code and name.
    "zero_width_space_in_id.csv": [
        '{file}:2:metric: "newsletter_subscribers·" holds the invisible character U+200B (zero-width space), '
        "which changes the value without showing; type the cell again in Excel"
    ],
    "control_byte_in_number.csv": [
        '{file}:2:value: "7·050" holds the invisible character U+0013 (control character, e.g. from a CSV saved '
        "by LibreOffice), which changes the value without showing; type the cell again in Excel"
    ],
    "bom_inside_date.csv": [
        '{file}:2:date: "·2026-06-30" holds the invisible character U+FEFF (byte order mark (BOM) inside the '
        "file), which changes the value without showing; type the cell again in Excel"
    ],
    "register_metric.csv": [
        '{file}:2:metric: "members_total" is computed from the members register; update the '
        "register instead of typing values"
    ],
}
# The register module owns these rules and their wording: the place and the problem's code are fixed here.
REGISTER_RULES: dict[str, tuple[str, str]] = {
    "members_duplicate_id.csv": ("{file}:3:member_id", "register_duplicate_id"),
    "members_misspelt_kommun.csv": ("{file}:2:kommun", "register_unknown_kommun_near"),
    "members_left_before_joined.csv": ("{file}:2:left", "register_left_before_joined"),
    "members_missing_column.csv": ("{file}:1:joined", "missing_column"),
    "members_extra_column.csv": ("{file}:1:telefon", "import_register_unknown_column"),
    "activities_negative_count.csv": ("{file}:2:participants", "register_bad_count"),
    "agreements_unknown_status.csv": ("{file}:2:status", "register_unknown_value"),
    "milestones_done_not_date.csv": ("{file}:2:done", "register_done_not_date"),
}
GENERATED = {
    "million_columns.csv": ["{file}:1: the header row has more than 200 columns; remove empty or extra columns"],
    "huge_rows.csv": ["{file}: the file has more than 50000 rows"],
    "too_large.csv": [
        "{file}: the file is larger than the limit of 5 MB (it is about 6 MB); split it or remove old rows"
    ],
}


def test_the_catalogue_is_complete():
    files = sorted(p.name for p in BAD.iterdir() if p.suffix in {".csv", ".xlsx"})
    assert files == sorted([*EXPECTED, *REGISTER_RULES]) and len(files) + len(GENERATED) >= 30


def _setup(tmp_path: Path, name: str) -> tuple[Path, Path, str]:
    """A fresh copy of the right fixture's data folder, its targets file and the import target."""
    register = name.split("_", maxsplit=1)[0]
    if register in REGISTERS or name == "register_metric.csv":
        fixture, into = FIXTURES / "registers", (register if register in REGISTERS else "metrics/manual.csv")
    else:
        fixture, into = FIXTURES / "basic", INTO
    data = tmp_path / "data"
    shutil.copytree(fixture / "data", data)
    return data, fixture / "targets.yaml", into


def _generated(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "upload" / name
    path.parent.mkdir(exist_ok=True)
    row = b"social_followers;2026-06-30;10500\n"
    if name == "million_columns.csv":  # 10**6 empty columns never finished before the column cap
        path.write_bytes(b"metric;date;value" + b";" * 10**6 + b"\n" + row)
    elif name == "huge_rows.csv":
        path.write_bytes(b"metric;date;value\n" + row * (upload.MAX_ROWS + 1))
    else:
        path.write_bytes(
            b"metric;date;value;note\n"
            + (b"social_followers;2026-06-30;10500;" + b"x" * 200 + b"\n") * (6 * 1024 * 1024 // 235)
        )
    return path


def _check(problems: list, messages: list[str], name: str, shown: str) -> None:
    if name in REGISTER_RULES:
        place, code = REGISTER_RULES[name]
        assert len(messages) == 1 and messages[0].startswith(place.format(file=shown) + ": "), messages
        assert problems is None or [p.code for p in problems] == [code]
        return
    expected = [line.format(file=shown) for line in EXPECTED.get(name) or GENERATED[name]]
    if expected[-1].endswith("…"):
        assert len(messages) == len(expected) and messages[-1].startswith(expected[-1][:-1]), messages
        assert messages[:-1] == expected[:-1]
    else:
        assert messages == expected


ALL = sorted(EXPECTED) + sorted(REGISTER_RULES) + sorted(GENERATED)


@pytest.mark.parametrize("name", ALL)
def test_refused_through_the_page_path(tmp_path, name, monkeypatch):
    monkeypatch.delenv("KPI_EDITOR_PASSWORD", raising=False)
    data, targets, into = _setup(tmp_path, name)
    source = _generated(tmp_path, name) if name in GENERATED else BAD / name
    config = load_config(targets)
    before = tree_digest(data)
    preview = imports.preview_upload(
        data, config, write_files.parse_data_file(into), source.read_bytes(), name, today=TODAY
    )
    _check(preview.problems, [problem.format("en") for problem in preview.problems], name, name)
    assert not preview.clean and preview.errors
    result = store.save_preview(data, preview, editor="Anna", comment="test", config=config, today=TODAY)
    assert not result.saved
    assert tree_digest(data) == before


@pytest.mark.parametrize("name", ALL)
def test_refused_through_the_command_line(tmp_path, name, capsys, monkeypatch):
    monkeypatch.delenv("KPI_EDITOR_PASSWORD", raising=False)
    data, targets, into = _setup(tmp_path, name)
    source = _generated(tmp_path, name) if name in GENERATED else BAD / name
    before = tree_digest(data)
    code = main(
        [
            "import",
            str(source),
            "--into",
            into,
            "--data",
            str(data),
            "--targets",
            str(targets),
            "--lang",
            "en",
            "--comment",
            "test",
            "--editor",
            "Anna",
        ]
    )
    out = capsys.readouterr()
    assert code == 1 and out.out == ""
    lines = out.err.splitlines()
    assert lines[-1] == "Nothing was saved: fix the problems above and try again."
    assert "Traceback" not in out.err
    _check(None, lines[:-1], name, str(source))
    assert tree_digest(data) == before


def test_swedish_messages_say_what_to_do(tmp_path):
    data, targets, into = _setup(tmp_path, "formulas.xlsx")
    preview = imports.preview_upload(
        data,
        load_config(targets),
        write_files.parse_data_file(into),
        (BAD / "formulas.xlsx").read_bytes(),
        "formulas.xlsx",
        today=TODAY,
    )
    assert [p.format("sv") for p in preview.problems] == [
        "formulas.xlsx:3:value: cellen innehåller en formel (=C2+150); formler räknas aldrig ut här. Kopiera kolumnen "
        "och klistra in som värden (Klistra in special → Värden)"
    ]
