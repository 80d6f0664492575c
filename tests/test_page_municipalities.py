"""The Kommunsamverkan page in Streamlit's AppTest, on tests/fixtures/registers (values worked out in its
targets.yaml header): it runs, shows the register numbers and lists, and follows the as-of date."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import FIXTURES, page_tables, page_texts
from ui.text import escape_markdown

FIXTURE = FIXTURES / "registers"


@pytest.fixture
def page(register_page):
    return register_page("municipalities")


texts, table_text = page_texts, page_tables


def map_labels(at: AppTest) -> list[str]:
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return next(trace for trace in figure["data"] if trace.get("mode") == "text")["text"]


def test_map_and_agreements_table(page):
    at = page("2026-06-30")
    assert not at.exception
    labels = map_labels(at)
    assert len(labels) == 9
    assert "<b>Nyköping</b><br>✔ Avtal" in labels and "<b>Trosa</b><br>✖ Upphört" in labels
    assert "Kommungränser: Källa: SCB" in texts(at)
    agreements = at.table[0].value
    assert list(agreements["Kommun"]) == ["Eskilstuna", "Flen", "Gnesta", "Nyköping", "Trosa", "Trosa"]
    assert list(agreements["Gäller vid datumet"]) == ["nej", "ja", "nej", "ja", "nej", "nej"]
    assert list(agreements["Undertecknat"])[:2] == ["2026-08-15", "2025-09-01"]
    assert escape_markdown("Vilka? Kommuner med samarbetsavtal (2 rader)") in texts(at)


def test_as_of_changes_the_map(page):
    at = page("2026-10-01")
    assert not at.exception
    labels = map_labels(at)
    assert "<b>Trosa</b><br>✔ Avtal" in labels and "<b>Eskilstuna</b><br>✔ Avtal" in labels
    assert escape_markdown("Vilka? Kommuner med samarbetsavtal (4 rader)") in texts(at)


def test_map_in_english(page):
    at = page("2026-06-30", "en")
    assert not at.exception
    assert "<b>Gnesta</b><br>… Negotiating" in map_labels(at)
    assert "Municipal boundaries: Source: Statistics Sweden (SCB)" in texts(at)
