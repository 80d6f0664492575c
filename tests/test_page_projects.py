"""The Projekt page in Streamlit's AppTest, on tests/fixtures/registers (values worked out in its
targets.yaml header): it runs, shows the register numbers and lists, and follows the as-of date."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import FIXTURES, ROOT

FIXTURE = FIXTURES / "registers"


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setenv("KPI_DATA_DIR", str(FIXTURE / "data"))
    monkeypatch.setenv("KPI_TARGETS", str(FIXTURE / "targets.yaml"))

    def run(as_of: str, lang: str = "sv") -> AppTest:
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "pages" / "projects.py"), default_timeout=30)
        at.query_params["as_of"] = as_of
        at.query_params["lang"] = lang
        return at.run()
    return run


def texts(at: AppTest) -> str:
    parts = [element.value for kind in ("markdown", "caption", "subheader", "header", "info") for element in at.get(kind)]
    parts += [expander.label for expander in at.expander]
    return "\n".join(str(part) for part in parts)


def table_text(at: AppTest) -> str:
    return "\n".join(table.value.to_csv() for table in at.table)


def test_milestones_overdue_first_and_progress(page):
    at = page("2026-06-30")
    assert not at.exception
    milestones = next(table.value for table in at.table if "Delmål" in table.value.columns and "Klart senast" in table.value.columns)
    assert milestones.iloc[0]["Status"] == "⚠ Försenat" and milestones.iloc[0]["Delmål"] == "Starta branschkluster"
    assert milestones.iloc[0]["Dagar sen"] == "181"
    progress = next(table.value for table in at.table if "Andel klara" in table.value.columns)
    strukturell = progress[progress["Projekt"] == "Strukturell innovation för mer lokal mat"]
    assert list(strukturell["Andel klara"]) == ["50,0 %", "50,0 %", "50,0 %"]
    assert list(strukturell["Andel försenade"]) == ["25,0 %", "0,0 %", "50,0 %"]
    timeline = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert [trace["name"] for trace in timeline["data"]] == ["⚠ Försenat", "○ Pågår", "✔ Klart"]
    assert "Vilka? Delmål klara i Strukturell innovation (4 rader)" in texts(at)


def test_as_of_changes_the_milestones(page):
    at = page("2025-12-30")
    assert not at.exception
    milestones = next(table.value for table in at.table if "Dagar sen" in table.value.columns)
    assert "⚠ Försenat" not in set(milestones["Status"])
    row = milestones[milestones["Delmål"] == "Starta branschkluster"].iloc[0]
    assert row["Status"] == "○ Pågår"
