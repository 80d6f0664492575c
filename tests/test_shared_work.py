"""Work shared across sessions: statuses are computed once per (dataset, as-of date)."""

from __future__ import annotations

from kpi.read.load import load_dataset
from tests.support import FIXTURES, TODAY, d
from ui import state


def test_statuses_are_computed_once_per_dataset_and_date(monkeypatch):
    calls = []
    real = state.evaluate_all
    monkeypatch.setattr(state, "evaluate_all", lambda *args: calls.append(args[2]) or real(*args))
    data = load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml", today=TODAY)
    first = state.statuses(data, d("2026-06-30"))
    second = state.statuses(data, d("2026-06-30"))  # another session, the same view
    assert calls == [d("2026-06-30")] and [a is b for a, b in zip(first, second)] == [True] * len(first)
    second.pop()  # a caller's list is its own
    assert len(state.statuses(data, d("2026-06-30"))) == len(first)
    state.statuses(data, d("2026-03-31"))
    assert calls == [d("2026-06-30"), d("2026-03-31")]
    reloaded = load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml", today=TODAY)
    state.statuses(reloaded, d("2026-06-30"))  # a file changed: a new dataset, new statuses
    assert len(calls) == 3
