"""Re-create the binary files of the bad-input catalogue (run from the project root; idempotent).

    .venv/bin/python tests/bad_inputs/make_binary_inputs.py

The text files here are written by hand; these are the ones an editor cannot show: images and
documents renamed .csv, UTF-16 and undecodable text, and workbooks (formulas, a zip bomb, a
damaged one). Fixed timestamps keep the output byte-for-byte stable.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
STAMP = (2026, 11, 23, 0, 0, 0)


def workbook(
    rows: list[list], formulas: dict[str, str] | None = None, text_cells: dict[str, str] | None = None
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Blad1"
    for row in rows:
        sheet.append(row)
    for ref, formula in (formulas or {}).items():
        sheet[ref] = formula  # openpyxl stores text starting with "=" as a formula
    for ref, text in (text_cells or {}).items():
        sheet[ref].value = text
        sheet[ref].data_type = "s"
    book.properties.created = book.properties.modified = __import__("datetime").datetime(*STAMP)
    buffer = io.BytesIO()
    book.save(buffer)
    return _restamp(buffer.getvalue())


def _restamp(data: bytes) -> bytes:
    """Rewrite the zip with fixed member times so the file does not change on every run."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            copy = zipfile.ZipInfo(info.filename, date_time=STAMP)
            copy.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2026-11-23T00:00:00Z", content)
            target.writestr(copy, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A 'workbook' whose sheet unpacks to 16 MB of spaces from about 16 KB: refused before opening."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")):
            target.writestr(zipfile.ZipInfo(name, date_time=STAMP), text, compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=STAMP)
        target.writestr(info, b" " * (16 * 1024 * 1024), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def main() -> None:
    files = {
        "png_renamed.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89",
        "old_excel_renamed.csv": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        "pdf_renamed.csv": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "utf16.csv": "metric;date;value\r\nnewsletter_subscribers;2026-06-30;7050\r\n".encode("utf-16"),
        "wrong_encoding.csv": b"metric;date;value;note\nnewsletter_subscribers;2026-06-30;7050;K\x81mpanj\n",
        "zip_bomb.xlsx": zip_bomb(),
        "formulas.xlsx": workbook(
            [
                ["metric", "date", "value"],
                ["newsletter_subscribers", "2026-05-31", 6900],
                ["newsletter_subscribers", "2026-06-30", None],
            ],
            formulas={"C3": "=C2+150"},
        ),
        "corrupt.xlsx": workbook([["metric", "date", "value"], ["newsletter_subscribers", "2026-06-30", 7050]])[:300],
        "xlsx_header_only.xlsx": workbook([["metric", "date", "value"]]),
        "xlsx_text_in_number.xlsx": workbook(
            [["metric", "date", "value"], [], ["newsletter_subscribers", "2026-06-30", "cirka 7000"]]
        ),
        "xlsx_outside_header.xlsx": workbook(
            [["metric", "date", "value"], ["newsletter_subscribers", "2026-06-30", 7050, None, "glömd anteckning"]]
        ),
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
