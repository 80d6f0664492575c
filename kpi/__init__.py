"""Målbild's core: goals from targets.yaml, data from CSV files via DuckDB, one status rule.

No Streamlit here: the dashboard, the command line and the reports all call the same functions.
The packages are layers, each importing only those below it (checked by import-linter in CI):

=============  ==========================================================================
``cli``        ``kpi`` / ``python -m kpi``: argparse and exit codes, nothing else
``report``     report content and its PDF, Excel, CSV and HTML writers
``show``       what a page or a report shows: view models, wording, plotly figures, maps
``write``      the store: uploads, previews, atomic saves, change log, undo, board packs, auth
``read``       decoding, CSV into DuckDB, targets.yaml, registers and their measures
``judge``      the status rule and the forecast: pure functions over the model
``model``      the shapes: targets schema, Series/Dataset, Problem and the named exceptions
``text``       the translation table and number/date formats; ``clock``; ``paths``
=============  ==========================================================================

Start with :func:`load_dataset` and :func:`evaluate_all`. The names below are the public API;
they are imported on first use, so ``import kpi`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_PUBLIC = {
    "load_dataset": "kpi.read.load",
    "load_config": "kpi.read.targets",
    "evaluate": "kpi.judge.rules",
    "evaluate_all": "kpi.judge.rules",
    "MetricStatus": "kpi.judge.rules",
    "STATUSES": "kpi.judge.rules",
    "Config": "kpi.model.targets",
    "Metric": "kpi.model.targets",
    "Dataset": "kpi.model.dataset",
    "Series": "kpi.model.dataset",
    "Problem": "kpi.model.problems",
    "KpiError": "kpi.model.problems",
    "DataError": "kpi.model.problems",
    "UsageError": "kpi.model.problems",
    "build_report": "kpi.report.build",
    "save_pack": "kpi.write.packs",
    "load_pack": "kpi.show.packs",
    "preview_upload": "kpi.write.imports",
    "save_preview": "kpi.write.store",
    "undo_last": "kpi.write.store",
}

__all__ = [
    "Config",
    "DataError",
    "Dataset",
    "KpiError",
    "Metric",
    "MetricStatus",
    "Problem",
    "STATUSES",
    "Series",
    "UsageError",
    "build_report",
    "evaluate",
    "evaluate_all",
    "load_config",
    "load_dataset",
    "load_pack",
    "preview_upload",
    "save_pack",
    "save_preview",
    "undo_last",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562)."""
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kpi' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
