"""The files of the data folder that may be written: ``metrics/NAME.csv`` and the registers, each
with the columns that name its rows (an observation; a register's keys from kpi.model.registers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kpi.model.problems import DataError, Problem, UsageError
from kpi.model.registers import REGISTERS
from kpi.read.load import metric_files
from kpi.read.tables import (
    file_label,
)

# The columns that name a row, for the diff and for merging: one observation, or a register's keys.
KEYS: dict[str, tuple[str, ...]] = {"metrics": ("metric", "date")} | {
    name: register.keys for name, register in REGISTERS.items()
}
# Loader warnings that mean "this row (or column) will be ignored" become errors in new rows,
LONG_COLUMNS = ("metric", "date", "value", "note", "source")
_METRICS_TARGET = re.compile(r"metrics/([a-z0-9_-]{1,64})\.csv")
# --- targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataFile:
    """A file in the data folder that may be written: ``metrics/NAME.csv`` or a register."""

    kind: str  # "metrics" or a register name
    name: str  # the file's stem

    @property
    def relpath(self) -> str:
        return f"metrics/{self.name}.csv" if self.kind == "metrics" else f"{self.name}.csv"

    @property
    def key(self) -> tuple[str, ...]:
        return KEYS[self.kind]

    def path(self, data_dir: Path) -> Path:
        return Path(data_dir) / self.relpath

    def label(self, data_dir: Path) -> str:
        return file_label(self.path(Path(data_dir)), Path(data_dir))


def parse_data_file(text: str) -> DataFile:
    """``metrics/NAME.csv`` (NAME of a–z, 0–9, ``_``, ``-``) or a register name; nothing else.

    The target is the only thing that decides where a save goes, so it is checked against a
    fixed pattern: no ``..``, no absolute paths, no uploaded file names.
    """
    text = (text or "").strip()
    if text.removesuffix(".csv") in REGISTERS:
        name = text.removesuffix(".csv")
        return DataFile(name, name)
    match = _METRICS_TARGET.fullmatch(text)
    if match:
        return DataFile("metrics", match.group(1))
    raise UsageError(
        [Problem("--into", "import_bad_target", params={"value": text[:80], "registers": ", ".join(REGISTERS)})]
    )


def metrics_data_files(data_dir: Path) -> list[DataFile]:
    """The metrics files that exist, in name order (the loader reads the same ones)."""
    found = []
    for path in metric_files(Path(data_dir)):
        try:
            found.append(parse_data_file(f"metrics/{path.name}"))
        except DataError:
            continue  # a file named outside the pattern is read by the loader but not written here
    return found
