"""The Projekt page in Streamlit's AppTest, on tests/fixtures/registers (values worked out in its
targets.yaml header): it runs, shows the register numbers and lists, and follows the as-of date."""

from __future__ import annotations

import json

import pytest

from tests.support import FIXTURES, page_tables, page_texts
from ui.text import escape_markdown

FIXTURE = FIXTURES / "registers"


@pytest.fixture
def page(register_page):
    return register_page("projects")


texts, table_text = page_texts, page_tables


def test_milestones_overdue_first_and_progress(page):
    at = page("2026-06-30")
    assert not at.exception
    milestones = next(
        table.value for table in at.table if "Delmål" in table.value.columns and "Klart senast" in table.value.columns
    )
    assert milestones.iloc[0]["Status"] == "✖ Efter plan" and milestones.iloc[0]["Delmål"] == "Starta branschkluster"
    assert milestones.iloc[0]["Dagar sen"] == "181"
    progress = next(table.value for table in at.table if "Andel klara" in table.value.columns)
    strukturell = progress[progress["Projekt"] == "Strukturell innovation för mer lokal mat"]
    assert list(strukturell["Andel klara"]) == ["50,0 %", "50,0 %", "50,0 %"]
    assert list(strukturell["Andel efter plan"]) == ["25,0 %", "0,0 %", "50,0 %"]
    timeline = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert [trace["name"] for trace in timeline["data"]] == ["✖ Efter plan", "○ Pågår", "✔ Klart"]
    assert escape_markdown("Vilka? Delmål klara i Strukturell innovation (4 rader)") in texts(at)


def test_as_of_changes_the_milestones(page):
    at = page("2025-12-30")
    assert not at.exception
    milestones = next(table.value for table in at.table if "Dagar sen" in table.value.columns)
    assert "✖ Efter plan" not in set(milestones["Status"])
    row = milestones[milestones["Delmål"] == "Starta branschkluster"].iloc[0]
    assert row["Status"] == "○ Pågår"


def test_english_view_names_milestones_in_english_or_marks_the_swedish(page, monkeypatch):
    # The fixture's milestones.csv names have no English goal in targets.yaml: shown in Swedish, marked.
    at = page("2026-06-30", lang="en")
    milestones = next(
        table.value for table in at.table if "Milestone" in table.value.columns and "Due" in table.value.columns
    )
    assert "Starta branschkluster (in Swedish)" in set(milestones["Milestone"])
    assert milestones.iloc[0]["Status"] == "✖ Off track"


def test_milestone_names_come_from_targets_yaml_in_english():
    from kpi.read.load import load_dataset
    from kpi.show.registers import milestone_name
    from tests.support import ROOT

    dataset = load_dataset(ROOT / "data", ROOT / "targets.yaml")
    goal = next(metric for metric in dataset.config.metrics if metric.kind == "milestone" and metric.name.en)
    assert milestone_name(dataset, goal.name.sv, "en") == goal.name.en
    assert milestone_name(dataset, goal.name.sv, "sv") == goal.name.sv
    assert milestone_name(dataset, "Okänt delmål", "en") == "Okänt delmål (in Swedish)"


def test_the_projects_page_names_each_project_s_next_report(monkeypatch):
    """Issue 24: the next report due to each funder, from the funding decision's periods."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.support import ROOT

    monkeypatch.setenv("KPI_DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("KPI_TARGETS", str(ROOT / "targets.yaml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "pages" / "area.py"), default_timeout=60)
    at.session_state["_area_page"] = "projects"
    at.query_params["as_of"] = "2026-10-12"
    at.run()
    assert not at.exception, at.exception
    captions = " ".join(element.value for element in at.caption)
    assert "nästa rapport är Rapport" in captions and "ska in" in captions
