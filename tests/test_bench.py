"""``python -m bench --quick`` runs end to end and writes every section of its table.

A smoke test only: speed is measured by the benchmark itself (BENCHMARKS.md), never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.slow


BROWSER_SECTIONS = ("browser", "viewers")
OTHER_SECTIONS = ("overview", "scales", "reports", "sessions", "hostile")


def quick_bench(tmp_path, skip: tuple[str, ...]) -> tuple[str, dict]:
    """``python -m bench --quick`` without the ``skip`` sections: its table and its results."""
    markdown = tmp_path / "BENCH.md"
    flags = [flag for name in skip for flag in ("--skip", name)]
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", *flags, "--out", str(tmp_path), "--markdown", str(markdown)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    return markdown.read_text(encoding="utf-8"), results


def test_quick_benchmark_produces_its_table(tmp_path):
    """Every section that needs no browser of its own (the PDF's charts use kaleido's)."""
    table, results = quick_bench(tmp_path, BROWSER_SECTIONS)
    for section in (
        "### 1. Overview page",
        "### 2. Load + status",
        "### 3. As-of",
        "### 4. Reports",
        "### 7. Server capacity",
        "### 8. Hostile input",
    ):
        assert section in table
    assert "### 5." not in table and "### 6." not in table  # skipped means skipped
    assert "error" not in results["overview"]["page"], results["overview"]["page"]
    assert [row["scale"] for row in results["scales"]] == [1, 10]
    for row in results["scales"]:
        assert row["ours"]["errors"] == 0 and row["ours"]["observations"] == row["observations"]
    assert "table_floor" in results["overview"] and "error" not in results["overview"]["table_floor"]
    for sessions in (results["sessions"]["ours"], results["sessions"]["floor"]):
        assert (
            [row["finished"] for row in sessions.values()] == [row["sessions"] for row in sessions.values()] == [1, 3]
        )
        # CPU comes in clock ticks (10 ms): one view of a light page can cost less than one tick.
        assert all(row["deltas"] > 0 and row["cpu_per_view"] >= 0 for row in sessions.values())
    for fmt in ("pdf", "xlsx"):
        assert "error" not in results["reports"][fmt], results["reports"][fmt]
        assert (tmp_path / f"report.{fmt}").stat().st_size > 1000


@pytest.mark.browser
def test_quick_benchmark_in_chromium(tmp_path):
    """The two sections that drive Chromium (in the browser tests' worker, one browser at a time)."""
    table, results = quick_bench(tmp_path, OTHER_SECTIONS)
    assert "### 5. The board's view in Chromium" in table and "### 6. Concurrent viewers" in table
    assert "### 1." not in table
    found = results["browser"]
    for page in ("overview", "detail", "floor_table", "floor_chart"):
        assert 0 < found[page]["warm"] < 120 and 0 < found[page]["cold"] < 120, (page, found[page])
    assert set(results["viewers"]) == {"1"} and results["viewers"]["1"]["shown"] == 1
