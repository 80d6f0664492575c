"""Shared helpers: build metrics and series in one line, so each test states its numbers plainly."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pytest

from kpi.load import Series
from kpi.schema import Metric

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
