"""The Aktiviteter page in Streamlit's AppTest, on tests/fixtures/registers (values worked out in its
targets.yaml header): it runs, shows the register numbers and lists, and follows the as-of date."""

from __future__ import annotations

import json

import pytest

from tests.support import FIXTURES, page_tables, page_texts
from ui.text import escape_markdown

FIXTURE = FIXTURES / "registers"


@pytest.fixture
def page(register_page):
    return register_page("activities")


texts, table_text = page_texts, page_tables


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
    assert escape_markdown("Vilka? Utbildningar (2 rader)") in shown
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
