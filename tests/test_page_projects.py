"""The Projekt page in Streamlit's AppTest, on tests/fixtures/registers (values worked out in its
targets.yaml header): it runs, shows the register numbers and lists, and follows the as-of date."""

from __future__ import annotations

import json

import pytest

from tests.support import FIXTURES, page_tables, page_texts

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
    assert "Vilka? Delmål klara i Strukturell innovation (4 rader)" in texts(at)


def test_as_of_changes_the_milestones(page):
    at = page("2025-12-30")
    assert not at.exception
    milestones = next(table.value for table in at.table if "Dagar sen" in table.value.columns)
    assert "✖ Efter plan" not in set(milestones["Status"])
    row = milestones[milestones["Delmål"] == "Starta branschkluster"].iloc[0]
    assert row["Status"] == "○ Pågår"
