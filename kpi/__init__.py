"""Målbild's core: goals from targets.yaml, data from CSV files via DuckDB, one status rule.

No Streamlit here: the dashboard, the CLI and the reports all call the same functions.
Start with :func:`kpi.load.load_dataset` and :func:`kpi.rules.evaluate_all`.
"""

__version__ = "0.1.0"
