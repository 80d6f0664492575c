"""The CSV variants Swedish Excel and other tools really write, all read to the same numbers."""

from __future__ import annotations

import codecs

import pytest

from kpi.model.problems import DataError
from kpi.read.load import load_dataset
from kpi.read.sniff import decode, detect_delimiter
from kpi.read.tables import parse_file_date, parse_number
from tests.support import FIXTURES

TARGETS = FIXTURES / "basic" / "targets.yaml"
ROWS = [("newsletter_subscribers", "2026-01-31", "6 300,5"), ("newsletter_subscribers", "2026-02-28", "7\u00a0100")]


def _write(tmp_path, text: str, encoding: str, sep: str, newline: str = "\n"):
    data = tmp_path / "data"
    (data / "metrics").mkdir(parents=True)
    lines = [sep.join(("metric", "date", "value", "note"))]
    for metric, date, value in ROWS:
        quoted = f'"{value}"' if sep in value else value
        lines.append(sep.join((metric, date, quoted, text)))
    raw = newline.join(lines) + newline
    payload = (codecs.BOM_UTF8 + raw.encode("utf-8")) if encoding == "utf-8-sig" else raw.encode(encoding)
    (data / "metrics" / "x.csv").write_bytes(payload)
    return data


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_swedish_excel_variants_read_identically(tmp_path, encoding, sep, newline):
    data = _write(tmp_path, "Höstkampanj – Ärlig öl", encoding, sep, newline)
    dataset = load_dataset(data, TARGETS)
    assert dataset.problems == []
    assert list(dataset.series["newsletter_subscribers"].values) == [6300.5, 7100.0]
    notes = dataset.observations("newsletter_subscribers")["note"].tolist()
    assert notes == ["Höstkampanj – Ärlig öl"] * 2
    assert dataset.files[0].encoding == encoding


@pytest.mark.parametrize(
    "text, number",
    [
        ("7500", 7500),
        ("7 500", 7500),
        ("7\u00a0500", 7500),
        ("7\u202f500", 7500),
        ("1,5", 1.5),
        ("1.5", 1.5),
        ("-3", -3),
        ("\u22123", -3),
        ("25 %", 25),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234 567,89", 1234567.89),
        ("1,234", 1.234),
        (".5", 0.5),
    ],
)
def test_numbers_as_people_type_them(text, number):
    assert parse_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", ["sju", "1,2,3", "1.2.3,4,5", "", "12a", "--1", "1e5x"])
def test_not_numbers(text):
    assert parse_number(text) is None


def test_sql_and_python_read_numbers_the_same():
    from kpi.read.tables import connect

    con = connect()
    cases = [
        "7500",
        "7 500",
        "7\u00a0500",
        "1,5",
        "1.5",
        "-3",
        "\u22123",
        "25 %",
        "1.234,5",
        "1,234.5",
        "sju",
        "1,2,3",
        ".5",
    ]
    for text in cases:
        sql = con.execute("SELECT kpi_number(?)", [text]).fetchall()[0][0]
        assert sql == parse_number(text), text


def test_dates_strict_but_tolerate_excel_midnight():
    assert str(parse_file_date("2026-01-31")) == "2026-01-31"
    assert str(parse_file_date("2026-01-31 00:00:00")) == "2026-01-31"
    assert str(parse_file_date("31/01/2026")) == "2026-01-31"  # day first with slashes, as in the sidebar
    for text in ("01/31/2026", "31/01/26", "31.01.2026", "2026-1-31", "2026-02-30", "20260131", ""):
        assert parse_file_date(text) is None


def test_delimiter_from_header_not_from_decimal_commas():
    assert detect_delimiter("metric;date;value\nx;2026-01-31;1,5\n") == ";"
    assert detect_delimiter("metric,date,value\n") == ","
    assert detect_delimiter("metric\tdate\tvalue\n") == "\t"
    assert detect_delimiter('"a;b",c,d\n') == ","


def test_decode_refuses_utf16_and_binaries():
    for payload in ("a;b\n".encode("utf-16"), b"\x89PNG\r\n\x1a\n", b"PK\x03\x04zipzip", b""):
        with pytest.raises(DataError):
            decode(payload, "x.csv")
    assert decode("å;ä\n".encode("cp1252"), "x.csv").text == "å;ä\n"


def test_wide_form(tmp_path):
    data = tmp_path / "data"
    (data / "metrics").mkdir(parents=True)
    (data / "metrics" / "wide.csv").write_text(
        "date;newsletter_subscribers;social_followers\n2026-01-31;6 300;10 100\n2026-02-28;;10 200\n", encoding="utf-8"
    )
    dataset = load_dataset(data, TARGETS)
    assert dataset.problems == []
    assert list(dataset.series["newsletter_subscribers"].values) == [6300]
    assert list(dataset.series["social_followers"].values) == [10100, 10200]
    rows = dataset.observations("social_followers")["row"].tolist()
    assert rows == [2, 3]


def test_blank_lines_keep_true_row_numbers(tmp_path):
    data = tmp_path / "data"
    (data / "metrics").mkdir(parents=True)
    (data / "metrics" / "gaps.csv").write_text(
        "metric,date,value\nnewsletter_subscribers,2026-01-31,6300\n\n\nnewsletter_subscribers,2026-02-28,oops\n",
        encoding="utf-8",
    )
    dataset = load_dataset(data, TARGETS)
    assert [(p.row, p.column) for p in dataset.problems] == [(5, "value")]


def test_only_plain_identifiers_are_spliced_into_sql():
    from kpi.read.tables import sql_with

    assert sql_with("SELECT {col} FROM {table}", col="note", table="raw_metrics") == "SELECT note FROM raw_metrics"
    assert sql_with("SELECT {col}", col="NULL") == "SELECT NULL"
    for bad in ("x; DROP TABLE observations", "Note", "a b", "x--", ""):
        with pytest.raises(ValueError):
            sql_with("SELECT {col}", col=bad)
