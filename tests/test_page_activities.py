"""The Aktiviteter page in Streamlit's AppTest, on tests/fixtures/registers (values worked out in its
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
        at = AppTest.from_file(str(ROOT / "pages" / "activities.py"), default_timeout=30)
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


def test_calendar_planned_versus_done_and_attendance(page):
    at = page("2026-06-30")
    assert not at.exception
    shown = texts(at)
    assert "Årets kalender 2026" in shown and "Planerat och genomfört 2026" in shown
    summary = next(table.value for table in at.table if "Ej rapporterade" in table.value.columns)
    training = summary[summary["Typ"] == "Utbildning"].iloc[0].to_dict()
    assert training["Genomförda"] == "2" and training["Totalt"] == "4"
    assert training["Planerade"] == "2" and training["Ej rapporterade"] == "0"
    attendance = next(table.value for table in at.table if "Närvaro" in table.value.columns)
    assert list(attendance["Närvaro"]) == ["50,0 %", "33,3 %"]  # the autumn meeting is after 2026-06-30
    assert "Vilka? Utbildningar (2 rader)" in shown
    calendar = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in calendar["data"]] == ["✔ Genomförd", "○ Planerad"]


def test_as_of_changes_the_calendar(page):
    at = page("2026-11-23")
    assert not at.exception
    summary = next(table.value for table in at.table if "Ej rapporterade" in table.value.columns)
    training = summary[summary["Typ"] == "Utbildning"].iloc[0].to_dict()
    assert training["Planerade"] == "1" and training["Ej rapporterade"] == "1"  # 2026-09-15 still "planned"
    attendance = next(table.value for table in at.table if "Närvaro" in table.value.columns)
    assert list(attendance["Närvaro"]) == ["50,0 %", "33,3 %", "57,1 %"]
