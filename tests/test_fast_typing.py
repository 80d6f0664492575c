"""The loader's fast paths give exactly what the exact per-cell paths give (issue 17, goal 4).

Each fast path is checked against a copy of the reading it replaced, on generated input: the same
value for every cell, the same problem (row, column, code, params) for every bad one.
"""

from __future__ import annotations

import re

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
