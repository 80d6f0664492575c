"""One data file that fails in a way the reader did not foresee costs that file only (issue 14).

The failure is injected into the per-file read or parse; the load with the bad file must equal the
load without that file at all (every other series, status and problem), plus exactly one problem
that names the file, says what kind of failure it was and shows no traceback or server path.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import duckdb
import numpy as np
import pytest

from kpi.judge.rules import evaluate_all
from kpi.model.dataset import Dataset
from kpi.read import load as load_module
from kpi.read import measures, registers
from tests.support import TODAY, load

# The whole module runs in the full suite, not the quick one: a load per broken file: ~4 CPU-s.
pytestmark = pytest.mark.slow

FAILURES = [
    (duckdb.InvalidInputException("Invalid Input Error: crafted"), "the database could not read it in"),
    (csv.Error("new-line character seen in unquoted field"), "it could not be split into rows and columns"),
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "its characters could not be decoded"),
    (MemoryError(), "it needed too much memory"),
    (RuntimeError("/srv/secret/path went wrong"), "an unexpected error"),
]


def _summary(dataset: Dataset) -> tuple:
    series = {
        key: (value.dates.astype("int64").tolist(), value.values.tolist()) for key, value in dataset.series.items()
    }
    statuses = [repr(status) for status in evaluate_all(dataset.config, dataset.series, TODAY)]
    return series, statuses


def _without(dataset: Dataset, label: str) -> list[str]:
    return [p.format("en") for p in dataset.problems if p.file != label]


def _temp_tables(dataset: Dataset) -> set[str]:
    return {row[0] for row in dataset.con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}


def _expect_isolated(bad: Dataset, clean: Dataset, label: str, kind: str, error: str) -> None:
    assert _summary(bad) == _summary(clean)
    assert _without(bad, label) == _without(clean, label)
    named = [p for p in bad.problems if p.file == label]
    assert len(named) == 1, [p.format("en") for p in named]
    problem = named[0]
    assert problem.code == "file_unreadable" and problem.severity == "error"
    assert problem.format("en") == (
        f"{label}: the file could not be read: {kind} ({error}); the other files are shown. "
        "The details are in the server's log"
    )
    assert problem.format("sv").startswith(f"{label}: filen kunde inte läsas: ")
    assert "/srv" not in problem.format("en") and "Traceback" not in problem.format("en")
    # The connection is still usable and holds nothing left over from the failed file.
    assert _temp_tables(bad) == _temp_tables(clean)
    assert (
        bad.con.execute("SELECT count(*) FROM observations").fetchall()
        == clean.con.execute("SELECT count(*) FROM observations").fetchall()
    )


@pytest.mark.parametrize("after_insert", [False, True], ids=["before-insert", "after-insert"])
@pytest.mark.parametrize(("failure", "kind"), FAILURES, ids=lambda value: type(value).__name__)
def test_a_metrics_file_that_fails_costs_only_that_file(
    copy_fixture, monkeypatch, caplog, failure, kind, after_insert
) -> None:
    data, targets = copy_fixture("basic")
    label = "data/metrics/communication.csv"
    real = load_module._parse_metrics_table

    def failing(con, raw, order, problems):
        if raw.label == label:
            if after_insert:  # the file's rows and problems are already in: they must be taken back
                real(con, raw, order, problems)
                assert con.execute("SELECT count(*) FROM observations_raw WHERE file = ?", [label]).fetchall()[0][0]
            problems.append(load_module.Problem(label, "bad_number", row=2, column="value", params={"value": "x"}))
            raise failure
        return real(con, raw, order, problems)

    monkeypatch.setattr(load_module, "_parse_metrics_table", failing)
    with caplog.at_level(logging.ERROR, logger="kpi.read.load"):
        bad = load(data, targets)
    assert any(label in record.getMessage() and record.exc_info for record in caplog.records)
    monkeypatch.setattr(load_module, "_parse_metrics_table", real)
    communication = data / "metrics" / "communication.csv"
    communication.rename(data.parent / "communication.csv.aside")
    clean = load(data, targets)
    assert "newsletter_subscribers" not in clean.series and clean.series  # the bad file held real data
    _expect_isolated(bad, clean, label, kind, type(failure).__name__)


def test_a_failure_while_reading_the_table_is_isolated_too(copy_fixture, monkeypatch) -> None:
    data, targets = copy_fixture("basic")
    label = "data/metrics/organisation.csv"
    real = load_module.read_table

    def failing(con, path, file_label, *args, **kwargs):
        if file_label == label:
            raise UnicodeDecodeError("utf-8", b"\x81", 0, 1, "invalid start byte")
        return real(con, path, file_label, *args, **kwargs)

    monkeypatch.setattr(load_module, "read_table", failing)
    bad = load(data, targets)
    monkeypatch.setattr(load_module, "read_table", real)
    (data / "metrics" / "organisation.csv").unlink()
    clean = load(data, targets)
    _expect_isolated(bad, clean, label, "its characters could not be decoded", "UnicodeDecodeError")


@pytest.mark.parametrize(("failure", "kind"), FAILURES, ids=lambda value: type(value).__name__)
def test_a_register_file_that_fails_costs_only_that_file(copy_fixture, monkeypatch, failure, kind) -> None:
    data, targets = copy_fixture("registers")
    label = "data/members.csv"
    real = registers._store

    def failing(con, register, rows):
        if register.name == "members":
            real(con, register, rows)  # rows already stored: they must be taken back
            raise failure
        return real(con, register, rows)

    monkeypatch.setattr(registers, "_store", failing)
    bad = load(data, targets)
    monkeypatch.setattr(registers, "_store", real)
    assert not measures.has_register(bad, "members")
    assert bad.con.execute("SELECT count(*) FROM members").fetchall() == [(0,)]
    assert measures.has_register(bad, "agreements")
    (data / "members.csv").rename(data.parent / "members.csv.aside")
    clean = load(data, targets)
    _expect_isolated(bad, clean, label, kind, type(failure).__name__)
    assert any(np.size(series.values) for series in bad.series.values())  # the other registers still count


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_stopping_the_process_is_not_swallowed(copy_fixture, monkeypatch, stop) -> None:
    data, targets = copy_fixture("registers")

    def interrupted(*_args, **_kwargs):
        raise stop()

    monkeypatch.setattr(registers, "_checked_rows", interrupted)
    with pytest.raises(stop):
        load(data, targets)
    data, targets = copy_fixture("basic", Path(str(data.parent) + "_basic"))
    monkeypatch.setattr(load_module, "_parse_metrics_table", interrupted)
    with pytest.raises(stop):
        load(data, targets)
