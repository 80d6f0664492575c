"""What a loaded data folder is: per-metric series, the files read, and the DuckDB tables.

These are the shapes every layer passes around; reading fills them (:mod:`kpi.read.load`), the
rule judges them (:mod:`kpi.judge.rules`), pages and reports show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kpi import clock
from kpi.model.problems import Problem
from kpi.model.targets import Config


@dataclass
class FileInfo:
    label: str
    path: Path
    kind: str  # "metrics" or a register name
    modified: dt.datetime | None
    rows: int = 0
    encoding: str | None = None
    delimiter: str | None = None


@dataclass
class Series:
    """A metric's observations up to now, sorted by date: what the status rule reads."""

    dates: np.ndarray  # datetime64[D], ascending
    values: np.ndarray  # float64
    stepwise: bool = False  # True for register counts: a value holds until the next change
    # A register is known up to the day it was loaded (``dataset.today``): a value at a later
    # date T is the register's count on the last day it knows up to T, not a guess about T.
    known_until: dt.date | None = None
    # A register share's step at each point: the share one row of its denominator makes (one
    # member of 160 is 0.625 %), so the rule can judge it in whole members, as it judges counts.
    steps: np.ndarray | None = None

    @classmethod
    def empty(cls) -> Series:
        return cls(np.array([], dtype="datetime64[D]"), np.array([], dtype="float64"))

    def __len__(self) -> int:
        return len(self.dates)


@dataclass
class Dataset:
    """Everything loaded from one data folder: DuckDB tables, problems, per-metric series."""

    config: Config
    data_dir: Path
    con: duckdb.DuckDBPyConnection
    problems: list[Problem] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)
    series: dict[str, Series] = field(default_factory=dict)
    today: dt.date = field(default_factory=clock.today)

    def metrics_in_file(self, label: str) -> list[str]:
        """The ids of the metrics a metrics file holds observations of, in the order first seen."""
        cursor = self.con.cursor()
        try:
            rows = cursor.execute(
                "SELECT metric FROM observations WHERE file = ? GROUP BY metric ORDER BY min(row), metric", [label]
            ).fetchall()
        except duckdb.Error:  # no observations table: no metrics file was read
            return []
        finally:
            cursor.close()
        return [row[0] for row in rows]

    def observations(self, metric_id: str) -> pd.DataFrame:
        """The rows behind a metric's numbers, with file and row, so every value can be traced.

        A cursor per call: the dashboard shares one cached dataset between sessions, and one
        DuckDB connection must not run two queries from two threads at once.
        """
        cursor = self.con.cursor()
        try:
            return cursor.execute(
                "SELECT date, value, note, source, file, row FROM observations WHERE metric = ? ORDER BY date, file, row",
                [metric_id],
            ).df()
        finally:
            cursor.close()
