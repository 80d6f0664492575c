"""The board at every date of the example data (issue 22): the plan's first months, a comparison
date before the plan, and a board pack saved before the plan never break a page."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest

from kpi.judge.rules import evaluate_all
from kpi.read.load import load_dataset
from kpi.show.meeting import goal_rows, since_changes, since_choice
from kpi.write import packs
from tests.support import ROOT, TODAY


@pytest.fixture(scope="module")
def example():
    """The example data as the suite's TODAY sees it (a module fixture runs before the autouse
    clock fixture, so it pins the clock itself)."""
    return load_dataset(ROOT / "data", ROOT / "targets.yaml", today=TODAY)


@pytest.fixture
def example_copy(tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "targets.yaml", tmp_path / "targets.yaml")
    return tmp_path / "data", tmp_path / "targets.yaml"


def judged(dataset, when: str):
    return evaluate_all(dataset.config, dataset.series, dt.date.fromisoformat(when))


def test_the_meeting_model_takes_goals_before_the_plan_on_either_side(example):
    before, now = judged(example, "2025-12-31"), judged(example, "2026-02-15")
    assert "before_plan" in {item.status for item in before}  # trainings, new members: a year before their first
    for lang in ("sv", "en"):
        assert len(goal_rows(before, example.config, lang)) == len(before)
        since = since_choice(example.data_dir, dt.date(2026, 2, 15), dt.date(2025, 12, 31), lang)
        since_changes(example, now, before, since, lang)  # raised on before_plan (ORDER, _SEVERITY)
        since_changes(example, before, now, since, lang)


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": "2026-02-15"},
        {"as_of": "2026-02-15", "compare": "2025-12-31"},
        {"as_of": "2025-06-30"},
        {"as_of": "2026-12-31", "lang": "en"},
    ],
)
def test_the_overview_opens_in_the_plans_first_months(use_data, run_page, params):
    use_data(ROOT / "data", ROOT / "targets.yaml")
    at = run_page("overview", timeout=60, **params)
    assert not at.exception, at.exception


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
@pytest.mark.parametrize("metric", ["trainings", "members_profitability_pct", "member_pages_usage_pct"])
def test_a_goal_page_opens_before_and_at_the_start_of_the_plan(use_data, run_page, metric):
    use_data(ROOT / "data", ROOT / "targets.yaml")
    for params in ({"as_of": "2025-06-30"}, {"as_of": "2026-02-15", "compare": "2025-12-31"}):
        at = run_page("metric", timeout=60, metric=metric, **params)
        assert not at.exception, (params, at.exception)


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_a_board_pack_saved_before_the_plan_is_a_since_date_like_any_other(example_copy, use_data, run_page):
    data_dir, targets = example_copy
    packs.save_pack(load_dataset(data_dir, targets), dt.date(2025, 6, 30), {}, "Anna")
    use_data(data_dir, targets)
    for as_of in ("2025-09-30", "2026-02-15"):
        at = run_page("overview", timeout=60, as_of=as_of)
        assert not at.exception, (as_of, at.exception)


def test_an_agreement_may_run_four_years_but_an_event_two_years_ahead_is_still_asked_about(example_copy):
    data_dir, targets = example_copy
    path = data_dir / "agreements.csv"
    text = path.read_text(encoding="utf-8")
    # TODAY is 2026-11-23: the two-year guard is 2028-11-23. Flen signs for four years (to
    # 2030-10-31); Trosa's end 2062 is a typo (more than ten years ahead); Strängnäs signed "2029"
    # (an event more than two years ahead) is refused as before.
    text = text.replace("Flen,0482,,,negotiating", "Flen,0482,2026-11-01,2030-10-31,active")
    text = text.replace("Trosa,0488,,,none", "Trosa,0488,2026-10-01,2062-09-30,active")
    text = text.replace("Strängnäs,0486,,,none", "Strängnäs,0486,2029-01-01,,active")
    path.write_text(text, encoding="utf-8")
    dataset = load_dataset(data_dir, targets, today=TODAY)
    found = {(problem.code, problem.params.get("value")) for problem in dataset.problems}
    assert ("register_far_future", "2030-10-31") not in found
    assert ("register_ends_far_future", "2062-09-30") in found
    assert ("register_far_future", "2029-01-01") in found
    series = dataset.series["municipal_agreements"]
    # Flen counts from its signing day, and stops counting the day after its end.
    assert np.datetime64("2026-11-01") in series.dates and np.datetime64("2030-11-01") in series.dates


def test_what_moved_comes_before_the_goal_table(use_data, run_page):
    from tests.support import FIXTURES

    use_data(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml")
    at = run_page("overview", as_of="2026-06-30")
    order = []
    for element in at.main:  # the page's elements in the order they are drawn
        if str(getattr(element, "label", "")).startswith("Sedan"):
            order.append("since")
        elif element.type == "markdown" and 'class="kpi-goals"' in str(element.value):
            order.append("table")
    assert order[:2] == ["since", "table"], order


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_the_projects_page_opens_with_what_is_overdue_or_due_soon(use_data, run_page):
    from kpi.show import listings
    from kpi.show.meeting import overdue_or_due_soon

    dataset = load_dataset(ROOT / "data", ROOT / "targets.yaml", today=TODAY)
    chosen = overdue_or_due_soon(listings.milestones_table(dataset, dt.date(2026, 6, 15)), dt.date(2026, 6, 15))
    # KISMET's action plan was due 2025-12-31 (166 days late on 2026-06-15); Strukturell's
    # commitments are due 2026-06-30, within 60 days; everything else is done or due later.
    assert [(row.status, row.project, row.package, str(row.due)[:10]) for row in chosen.itertuples()] == [
        ("overdue", "kismet", "fa3", "2025-12-31"),
        ("open", "strukturell", "wp0", "2026-06-30"),
    ]
    assert int(chosen.iloc[0]["days_overdue"]) == 166
    use_data(ROOT / "data", ROOT / "targets.yaml")
    at = run_page("projects", timeout=60, as_of="2026-06-15", unlocked_as="Anna")
    assert not at.exception
    assert at.subheader[0].value == "Försenat eller ska vara klart inom 60 dagar"
    first = at.table[0].value
    assert list(first["Delmål"])[0].startswith("Strategi och handlingsplan") and len(first) == 2
    assert len(at.metric) == 0  # the 20 milestone cards are gone: the register's views follow


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
@pytest.mark.parametrize("area", ["members", "communication", "activities", "projects"])
def test_an_area_page_opens_before_and_at_the_start_of_the_plan(use_data, run_page, area):
    use_data(ROOT / "data", ROOT / "targets.yaml")
    for params in ({"as_of": "2025-06-30"}, {"as_of": "2026-02-15", "compare": "2025-12-31"}):
        at = run_page(area, timeout=60, unlocked_as="Anna", **params)
        assert not at.exception, (area, params, at.exception)
