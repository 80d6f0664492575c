"""The loader's fast paths give exactly what the exact per-cell paths give (issue 17, goal 4).

Each fast path is checked against a copy of the reading it replaced, on generated input: the same
value for every cell, the same problem (row, column, code, params) for every bad one.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.read import tables

# --- the long-cell guard ---------------------------------------------------------------------------


def _long_cell_before(text: str, label: str):
    """The guard as it was: one Python step per separator in the file."""
    start = 0
    for match in re.compile(r"[;,\t\r\n]").finditer(text):
        if match.start() - start > tables.MAX_CELL_CHARS:
            break
        start = match.end()
    else:
        if len(text) - start <= tables.MAX_CELL_CHARS:
            return None
    line = text.count("\n", 0, start) + 1
    return tables.Problem(label, "cell_too_long", row=line, params={"limit": tables.MAX_CELL_CHARS})


_PIECES = st.sampled_from([";", ",", "\t", "\r", "\n", "\r\n", "a", "7", " ", "ö"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(_PIECES, st.integers(min_value=0, max_value=60)), max_size=30),
    st.integers(min_value=3, max_value=40),
)
def test_the_long_cell_guard_finds_the_same_line(monkeypatch_free_pieces, limit):
    text = "".join(piece * count for piece, count in monkeypatch_free_pieces)
    original = tables.MAX_CELL_CHARS
    tables.MAX_CELL_CHARS = limit  # small, so generated text crosses it often
    try:
        assert tables._long_cell(text, "f.csv") == _long_cell_before(text, "f.csv")
    finally:
        tables.MAX_CELL_CHARS = original


# --- numbers and dates typed inside DuckDB ---------------------------------------------------------

_DIGITS = st.text("0123456789", min_size=1, max_size=7)
_SEPARATORS = st.sampled_from(["", " ", "\u00a0", "\u202f", "\u2009", ".", ","])


@st.composite
def number_cells(draw) -> str:
    """Numbers as people type them, and near misses: signs, decimal comma or point, grouped thousands
    (space, no-break space, dot, comma), percent, spaces around, exponents, words."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.text("0123456789,.-+ \u00a0\u2212%eE", max_size=12))
    if kind == 1:
        value = draw(st.floats(allow_nan=True, allow_infinity=True, width=32))
        return draw(
            st.sampled_from(
                [
                    repr(value),
                    repr(value).replace(".", ","),
                    f"{value:,}",
                    str(int(value) if value == value and abs(value) < 1e18 else 0),
                ]
            )
        )
    sign = draw(st.sampled_from(["", "-", "+", "\u2212"]))
    groups = draw(st.lists(st.text("0123456789", min_size=3, max_size=3), max_size=3))
    head = draw(st.text("0123456789", min_size=1, max_size=4))
    separator = draw(_SEPARATORS)
    decimals = draw(st.sampled_from(["", ",", "."])) + draw(st.text("0123456789", max_size=3))
    cell = sign + head + "".join(separator + g for g in groups) + decimals
    if kind == 3:
        cell += draw(st.sampled_from(["%", " %", "", " "]))
    if kind == 4:
        cell = draw(st.sampled_from([" ", "", "\t"])) + cell + draw(st.sampled_from([" ", "", "x", "e5"]))
    return cell


@st.composite
def date_cells(draw) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.text("0123456789-/. T:+", max_size=20))
    year = draw(st.integers(0, 12000))
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    width = draw(st.sampled_from([1, 2]))
    iso = f"{year:04d}-{month:0{width}d}-{day:0{width}d}"
    if kind == 1:
        return iso + draw(st.sampled_from(["", " 00:00", "T00:00:00", " 00:00:00", " 12:00", " "]))
    if kind == 2:
        return f"{day:02d}/{month:02d}/{year}"  # day first with slashes: read as the sidebar reads it
    return (
        draw(st.sampled_from(["", " ", "2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "2026-01-01 "]))
        + iso[:0]
    )


def _typed(sql_function: str, cells: list[str | None]) -> list:
    con = tables.connect()
    return [
        row[1]
        for row in con.execute(
            f"SELECT i, {sql_function}(c) FROM (SELECT unnest(?) AS c, generate_subscripts(?, 1) AS i) ORDER BY i",
            [cells, cells],
        ).fetchall()
    ]


def _same(left: list, right: list) -> bool:
    return all(a == b or (a != a and b != b) for a, b in zip(left, right, strict=True))  # NaN equals NaN


@pytest.mark.slow  # hundreds of generated files: in the full suite, not the quick one
@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), number_cells()), min_size=1, max_size=40))
def test_numbers_in_a_semicolon_file_read_as_kpi_number_reads_them(cells):
    assert _same(_typed("kpi_number_comma", cells), _typed("kpi_number", cells))


@pytest.mark.slow  # hundreds of generated files: in the full suite, not the quick one
@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), date_cells()), min_size=1, max_size=40))
def test_dates_read_as_kpi_date_reads_them(cells):
    assert _typed("kpi_date_fast", cells) == _typed("kpi_date", cells)


def test_the_generators_reach_both_paths():
    """A test that cannot fail is a defect: the cells must include canonical and fallback ones."""
    numbers = ["7245", "63,5", "-1,25", "7\u00a0245", "1.234,5", "12 %", "\u22123", "1e5", "abc", "+5", ""]
    assert _typed("kpi_number_comma", numbers) == [
        7245.0,
        63.5,
        -1.25,
        7245.0,
        1234.5,
        12.0,
        -3.0,
        None,
        None,
        5.0,
        None,
    ]
    dates = [
        "2026-06-30",
        "2026-06-30 00:00",
        "2026-6-30",
        "31/01/2026",
        "01/31/2026",
        "31/01/26",
        "10000-01-01",
        "2026-02-30",
        " 2026-06-30",
    ]
    got = _typed("kpi_date_fast", dates)
    assert [d.isoformat() if d else None for d in got] == [
        "2026-06-30",
        "2026-06-30",
        None,
        "2026-01-31",  # day first with slashes, as in the sidebar (issue 23)
        None,  # month first is never guessed
        None,  # nor a two-digit year
        None,
        None,
        "2026-06-30",
    ]


# --- whole files: every value and every problem as the exact path gives them ------------------------

_OLD_MACROS = """
CREATE OR REPLACE TEMP MACRO kpi_date_fast(s) AS kpi_date(s);
CREATE OR REPLACE TEMP MACRO kpi_number_comma(s) AS kpi_number(s);
"""
_IDS = ["newsletter_subscribers", "social_followers", "trainings", "office_fte", "stores_local_food_pct", "nyhetsbrev"]


def _load_both(folder, text: str, name: str):
    import shutil

    from kpi.read import load as load_module
    from tests.support import FIXTURES

    data = folder / "data"
    shutil.rmtree(data, ignore_errors=True)
    (data / "metrics").mkdir(parents=True)
    (data / "metrics" / name).write_text(text, encoding="utf-8")
    targets = FIXTURES / "basic" / "targets.yaml"
    today = dt.date(2026, 11, 23)
    fast = load_module.load_dataset(data, targets, today=today)
    real_connect = load_module.connect

    def exact_connect():
        con = real_connect()
        con.execute(_OLD_MACROS)
        return con

    load_module.connect = exact_connect
    try:
        exact = load_module.load_dataset(data, targets, today=today)
    finally:
        load_module.connect = real_connect
    return fast, exact


def _as_compared(dataset) -> tuple:
    series = {k: (v.dates.tolist(), v.values.tolist()) for k, v in dataset.series.items()}
    problems = [(p.file, p.row, p.column, p.code, p.severity, p.params, p.format("sv")) for p in dataset.problems]
    return series, problems


@pytest.mark.slow  # hundreds of generated files: in the full suite, not the quick one
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([";", ","]),
    st.lists(st.tuples(st.sampled_from(_IDS), date_cells(), number_cells()), min_size=1, max_size=25),
)
def test_a_long_file_loads_exactly_as_with_the_per_cell_macros(delimiter, rows):
    import csv
    import io
    import tempfile
    from pathlib import Path

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["metric", "date", "value", "note"])
    writer.writerows([[metric, date, value, "x"] for metric, date, value in rows])
    with tempfile.TemporaryDirectory() as folder:
        fast, exact = _load_both(Path(folder), buffer.getvalue(), "long.csv")
        assert _as_compared(fast) == _as_compared(exact)


@pytest.mark.slow  # hundreds of generated files: in the full suite, not the quick one
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(date_cells(), number_cells(), number_cells()), min_size=1, max_size=15))
def test_a_wide_file_loads_exactly_as_with_the_per_cell_macros(rows):
    import csv
    import io
    import tempfile
    from pathlib import Path

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["date", "trainings", "office_fte"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        fast, exact = _load_both(Path(folder), buffer.getvalue(), "wide.csv")
        assert _as_compared(fast) == _as_compared(exact)


def test_problems_on_one_row_of_a_wide_file_come_in_a_fixed_order(tmp_path):
    """Staff compare two runs of ``kpi validate``; a row's problems must not swap places between them.

    DuckDB hands back ties in any order (a CI run once saw ``trainings`` and ``office_fte`` swap),
    so every problem query breaks ties by metric.
    """
    from kpi.read import load as load_module
    from tests.support import FIXTURES

    columns = ["social_followers", "trainings", "office_fte", "newsletter_subscribers", "costs_sek"]
    text = "date;" + ";".join(columns) + "\n"
    text += ("2026-01-31;" + ";".join("1" for _ in columns) + "\n") * 3
    text += "9999-12-31;" + ";".join("1" for _ in columns) + "\n"
    data = tmp_path / "data"
    (data / "metrics").mkdir(parents=True)
    (data / "metrics" / "wide.csv").write_text(text, encoding="utf-8")
    targets = FIXTURES / "basic" / "targets.yaml"
    runs = []
    for _ in range(5):
        dataset = load_module.load_dataset(data, targets, today=dt.date(2026, 11, 23))
        runs.append([(p.row, p.code, p.params.get("metric")) for p in dataset.problems])
    duplicates = [(row, metric) for row, code, metric in runs[0] if code == "duplicate_observation"]
    assert duplicates == [(row, metric) for row in (3, 4) for metric in sorted(columns)]
    assert all(run == runs[0] for run in runs)
