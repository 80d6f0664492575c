"""The bundled configuration: the plan's targets exactly as the plan states them, and clean data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kpi.cli import main
from kpi.read.targets import load_config
from tests.support import ROOT

# From ../shared/seeds/003_…txt, "Mål - 2026" and "Mål - 2030" (issue #3's ids).
PLAN_TARGETS = {
    "members_total": {2030: 200},
    "members_new": {2026: 20},
    "members_left_unnatural": {2026: 0},
    "municipal_agreements": {2026: 4, 2030: 9},
    "newsletter_subscribers": {2026: 7500, 2030: 11000},
    "social_followers": {2026: 12500, 2030: 16000},
    "member_pages_usage_pct": {2026: 25, 2030: 75},
    "meeting_attendance_pct": {2026: 50, 2030: 80},
    "trainings": {2026: 6},
    "school_collaborations": {2026: 3},
    "internal_newsletters": {2026: 9},
    "office_fte": {2030: 2},
    "members_profitability_pct": {2030: 50},
    "new_products_collab": {2030: 18},
    "stores_local_food_pct": {2030: 80},
}
PLAN_MILESTONES = {"uf_collaboration": dt.date(2026, 12, 31)}


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "targets.yaml")


def test_every_numeric_plan_target_is_encoded(config):
    for metric_id, targets in PLAN_TARGETS.items():
        metric = config.metric(metric_id)
        encoded = {target.date.year: target.value for target in metric.targets}
        for year, value in targets.items():
            assert encoded.get(year) == value, (metric_id, year)
            assert dt.date(year, 12, 31) in [target.date for target in metric.targets]
    assert config.metric("members_left_unnatural").direction == "decrease"
    for metric_id in (
        "members_new",
        "members_left_unnatural",
        "trainings",
        "school_collaborations",
        "internal_newsletters",
    ):
        assert config.metric(metric_id).aggregation == "year_to_date", metric_id


def test_milestones_and_projects(config):
    for metric_id, due in PLAN_MILESTONES.items():
        assert config.metric(metric_id).kind == "milestone" and config.metric(metric_id).due == due
    kismet = config.project("kismet")
    assert [p.id for p in kismet.packages] == ["fa1", "fa2", "fa3"]
    strukturell = config.project("strukturell")
    assert strukturell.start == dt.date(2024, 7, 1) and strukturell.end == dt.date(2027, 6, 30)
    assert [p.id for p in strukturell.packages] == [f"wp{n}" for n in range(7)]
    for project in (kismet, strukturell):
        for package in project.packages:
            goals = [m for m in config.metrics if m.project == project.id and m.package == package.id]
            assert goals and all(m.kind == "milestone" for m in goals), (project.id, package.id)


def test_qualitative_targets_say_how_they_are_measured(config):
    for metric_id in (
        "members_restaurants",
        "stable_core_economy",
        "own_label",
        "food_businesses_sormland",
        "gastronomic_award",
        "local_food_hubs",
        "project_staff_retained",
    ):
        description = config.metric(metric_id).description
        assert "Mätetal:" in description or "Milstolpe:" in description, metric_id


@pytest.mark.parametrize("folder", ["", "examples/matkooperativ"])
def test_configurations_validate_cleanly(folder, capsys):
    base = ROOT / folder
    assert main(["validate", "--data", str(base / "data"), "--targets", str(base / "targets.yaml")]) == 0


def test_status_json_lists_every_goal_with_a_status(capsys):
    assert main(["status", "--as-of", "2026-11-23", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    config = load_config(ROOT / "targets.yaml")
    assert [row["id"] for row in rows] == config.metric_ids()
    # Example data covers every goal: nothing is left without data (milestones count as judged).
    assert [row["id"] for row in rows if row["status"] == "no_data"] == []
    assert {row["status"] for row in rows} >= {"reached", "on_track", "at_risk", "off_track"}


def test_example_data_is_marked(capsys):
    assert (ROOT / "data" / "EXAMPLE_DATA").exists()
    assert "EXAMPLE" in (ROOT / "data" / "README.md").read_text(encoding="utf-8").upper()
