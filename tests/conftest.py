"""Shared helpers: build metrics and series in one line, so each test states its numbers plainly."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pytest

from kpi.model.dataset import Series
from kpi.model.targets import Metric

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def series(*points: tuple[str, float], stepwise: bool = False) -> Series:
    points = sorted(points)
    return Series(np.array([p[0] for p in points], dtype="datetime64[D]"),
                  np.array([float(p[1]) for p in points], dtype="float64"), stepwise=stepwise)


def metric(**fields) -> Metric:
    base = {"id": "m", "name": {"sv": "M", "en": "M"}, "area": "a"}
    base.update(fields)
    return Metric.model_validate(base)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with its sha256: proof that an operation wrote nothing."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def newsletter() -> Metric:
    return metric(id="newsletter_subscribers", baseline={"date": "2025-12-31", "value": 6200},
                  targets=[{"date": "2026-12-31", "value": 7500}, {"date": "2030-12-31", "value": 11000}])


def register_page_runner(monkeypatch, page: str):
    """Run ``pages/<page>.py`` in AppTest on tests/fixtures/registers at an as-of date and language."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    fixture = FIXTURES / "registers"
    monkeypatch.setenv("KPI_DATA_DIR", str(fixture / "data"))
    monkeypatch.setenv("KPI_TARGETS", str(fixture / "targets.yaml"))

    def run(as_of: str, lang: str = "sv"):
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=30)
        at.query_params["as_of"] = as_of
        at.query_params["lang"] = lang
        return at.run()
    return run


def page_texts(at) -> str:
    """Every text an AppTest page shows (markdown, captions, headings, notices, expander labels)."""
    parts = [element.value for kind in ("markdown", "caption", "subheader", "header", "info") for element in at.get(kind)]
    parts += [expander.label for expander in at.expander]
    return "\n".join(str(part) for part in parts)


def page_tables(at) -> str:
    return "\n".join(table.value.to_csv() for table in at.table)
