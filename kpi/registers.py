"""Registers: member list, municipal agreements, activities, project milestones (see issue #5).

Metrics with ``source: {register, measure, where}`` in targets.yaml are computed here from the
register files; until a register is present, such metrics have no data.
"""

from __future__ import annotations

from kpi.load import Dataset


def load_registers(dataset: Dataset) -> None:
    """Read the register files and add one series per register-based metric to ``dataset``."""
    return None
