"""The rule's invariants, checked by Hypothesis over generated metrics and series (issue 13)."""

from __future__ import annotations

import datetime as dt
import random
import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.judge.rules import evaluate, evaluate_all
from kpi.model.dataset import Series
from kpi.read.load import load_dataset
from tests.support import FIXTURES, TODAY, metric

FIRST, LAST = dt.date(2025, 1, 1).toordinal(), dt.date(2031, 12, 31).toordinal()
days = st.integers(FIRST, LAST).map(dt.date.fromordinal)
values = st.floats(0, 20_000, allow_nan=False, allow_infinity=False)
points = st.lists(st.tuples(days, values), max_size=25, unique_by=lambda p: p[0])

METRICS = [
    metric(
        id="latest_up",
        unit="subscribers",
        baseline={"date": "2025-12-31", "value": 6200},
        targets=[{"date": "2026-12-31", "value": 7500}, {"date": "2030-12-31", "value": 11000}],
    ),
    metric(
        id="latest_down",
        direction="decrease",
        baseline={"date": "2025-12-31", "value": 1000},
        targets=[{"date": "2026-12-31", "value": 900}],
    ),
    metric(id="ytd", unit="count", aggregation="year_to_date", targets=[{"date": "2026-12-31", "value": 6}]),
    metric(id="milestone", kind="milestone", due="2026-12-31"),
    metric(
        id="direction", kind="direction", unit="hubs", baseline={"date": "2025-12-31", "value": 2}, due="2030-12-31"
    ),
]


def make(pairs: list[tuple[dt.date, float]], stepwise: bool = False, known: dt.date | None = None) -> Series:
    ordered = sorted(pairs)
    return Series(
        np.array([p[0] for p in ordered], dtype="datetime64[D]"),
        np.array([p[1] for p in ordered], dtype="float64"),
        stepwise=stepwise,
        known_until=known,
    )


def verdict(result) -> tuple:
    return (result.status, result.value, result.pace, result.expected, [t.met for t in result.targets])


@settings(max_examples=150, deadline=None)
@given(points, points, days, st.sampled_from(METRICS), st.booleans())
def test_rows_dated_after_t_never_change_a_status_at_t(before, after, as_of, goal, register):
    known = TODAY if register else None
    early = [p for p in before if p[0] <= as_of]
    late = [p for p in after if p[0] > as_of and p[0] not in {q[0] for q in early}]
    alone = evaluate(goal, make(early, register, known), as_of)
    more = evaluate(goal, make(early + late, register, known), as_of)
    assert verdict(alone) == verdict(more)


@settings(max_examples=150, deadline=None)
@given(points, days, st.floats(100, 5000), st.floats(10, 3000))
def test_a_decrease_metric_mirrored_is_an_increase_metric_with_the_same_pace(pairs, as_of, base, gain):
    up = metric(
        id="up",
        unit="members",
        baseline={"date": "2025-12-31", "value": round(base)},
        targets=[
            {"date": "2026-12-31", "value": round(base + gain)},
            {"date": "2030-12-31", "value": round(base + 2 * gain)},
        ],
    )
    down = metric(
        id="down",
        unit="members",
        direction="decrease",
        baseline={"date": "2025-12-31", "value": -round(base)},
        targets=[
            {"date": "2026-12-31", "value": -round(base + gain)},
            {"date": "2030-12-31", "value": -round(base + 2 * gain)},
        ],
    )
    whole = [(day, float(round(value))) for day, value in pairs]
    rising = evaluate(up, make(whole), as_of)
    falling = evaluate(down, make([(day, -value) for day, value in whole]), as_of)
    assert rising.status == falling.status
    assert rising.pace == falling.pace or (rising.pace is not None and abs(rising.pace - falling.pace) < 1e-9)
    assert [t.met for t in rising.targets] == [t.met for t in falling.targets]


@settings(max_examples=150, deadline=None)
@given(
    points,
    st.lists(st.tuples(days, st.sampled_from([np.nan, np.inf, -np.inf])), max_size=5),
    days,
    st.sampled_from(METRICS),
)
def test_no_status_is_computed_from_nan_or_infinity(pairs, bad, as_of, goal):
    taken = {p[0] for p in pairs}
    poisoned = pairs + [p for p in bad if p[0] not in taken]
    clean = evaluate(goal, make(pairs), as_of)
    dirty = evaluate(goal, make(poisoned), as_of)
    assert verdict(clean) == verdict(dirty)
    for number in (dirty.value, dirty.pace, dirty.expected, dirty.growth_pct):
        assert number is None or np.isfinite(number)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False), st.integers(1, 3))
def test_statuses_are_the_same_whatever_the_order_of_rows_and_files(tmp_path_factory, rng: random.Random, files: int):
    folder = tmp_path_factory.mktemp("order")
    shutil.copytree(FIXTURES / "basic", folder, dirs_exist_ok=True)
    metrics_dir = folder / "data" / "metrics"
    source = metrics_dir / "communication.csv"
    header, *rows = source.read_text(encoding="utf-8").splitlines()
    reference = load_dataset(folder / "data", folder / "targets.yaml", today=TODAY)
    rng.shuffle(rows)
    source.unlink()
    for index in range(files):
        part = rows[index::files]
        (metrics_dir / f"part{index}.csv").write_text("\n".join([header, *part]) + "\n", encoding="utf-8")
    shuffled = load_dataset(folder / "data", folder / "targets.yaml", today=TODAY)
    for as_of in (dt.date(2026, 1, 2), dt.date(2026, 6, 30), dt.date(2026, 12, 31)):
        first = [verdict(s) for s in evaluate_all(reference.config, reference.series, as_of)]
        second = [verdict(s) for s in evaluate_all(shuffled.config, shuffled.series, as_of)]
        assert first == second
