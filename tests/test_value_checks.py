"""Counts and amounts that cannot be what they say are refused with the likely meaning (issue 13)."""

from __future__ import annotations

from pathlib import Path

from kpi.judge.rules import evaluate_all
from kpi.read.load import load_dataset, read_metrics_file
from kpi.read.tables import connect
from kpi.read.targets import load_config
from tests.support import FIXTURES, TODAY, d

TARGETS = FIXTURES / "basic" / "targets.yaml"


def _problems(data: Path, text: str) -> tuple[list, dict]:
    (data / "metrics" / "typed.csv").write_text(text, encoding="utf-8")
    dataset = load_dataset(data, TARGETS, today=TODAY)
    mine = [p for p in dataset.problems if p.file.endswith("typed.csv")]
    statuses = {s.id: s for s in evaluate_all(dataset.config, dataset.series, d("2026-06-30"))}
    return mine, statuses


def test_a_count_with_a_decimal_comma_is_refused_with_the_likely_meaning(data):
    # Followers are a count: "7,200" is read as 7,2 with a decimal comma; 7 200 was meant.
    problems, statuses = _problems(data, "metric;date;value\nsocial_followers;2026-06-15;7,200\n")
    assert [(p.code, p.row, p.column) for p in problems] == [("count_not_whole_thousands", 2, "value")]
    assert problems[0].message("sv") == (
        "”7,200” läses som 7,2 — menade du 7 200? social_followers räknas i hela followers."
    )
    # The refused row changes nothing: the latest value is still 10 400 from 2026-05-31.
    assert statuses["social_followers"].value == 10400


def test_a_count_with_a_real_fraction_is_refused(data):
    problems, _ = _problems(data, "metric;date;value\nsocial_followers;2026-06-15;7,5\n")
    assert [p.code for p in problems] == ["count_not_whole"]
    assert "7,5" in problems[0].message("en")


def test_a_count_that_opts_out_of_whole_units_may_have_decimals(data):
    # newsletter_subscribers in the basic fixture sets granularity: 0.
    problems, statuses = _problems(data, "metric;date;value\nnewsletter_subscribers;2026-06-15;7200,5\n")
    assert problems == [] and statuses["newsletter_subscribers"].value == 7200.5


def test_an_amount_may_have_decimals(data):
    problems, statuses = _problems(data, "metric;date;value\noffice_fte;2026-06-15;1,75\n")
    assert problems == [] and statuses["office_fte"].value == 1.75


def test_a_number_that_overflows_is_refused_and_never_reaches_a_status(data):
    huge = "9" * 400
    problems, statuses = _problems(data, f"metric;date;value\nnewsletter_subscribers;2026-06-15;{huge}\n")
    assert [(p.code, p.row) for p in problems] == [("number_not_finite", 2)]
    assert statuses["newsletter_subscribers"].value == 6900 and statuses["newsletter_subscribers"].status != "reached"


def test_an_upload_gets_the_same_check(tmp_path):
    # Imports and the Data page read a file through read_metrics_file: the loader's own checks.
    path = tmp_path / "upload.csv"
    path.write_text("date;social_followers\n2026-06-15;7.200\n", encoding="utf-8")
    problems: list = []
    rows = read_metrics_file(connect(), path, "upload.csv", load_config(TARGETS), TODAY, problems)
    assert [p.code for p in problems] == ["count_not_whole_thousands"]
    assert rows is not None and len(rows) == 0
