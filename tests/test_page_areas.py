"""Area pages (communication, organisation, business) and ui.cards.area_section, on tests/fixtures/basic."""

from __future__ import annotations

import re
from html import unescape

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support import FIXTURES, ROOT

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def fixture_env(monkeypatch):
    monkeypatch.setenv("KPI_DATA_DIR", str(FIXTURES / "basic" / "data"))
    monkeypatch.setenv("KPI_TARGETS", str(FIXTURES / "basic" / "targets.yaml"))


def run(page: str, as_of: str = "2026-06-30", lang: str | None = None) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "pages" / "area.py"), default_timeout=30)
    at.session_state["_area_page"] = page.removesuffix(".py")  # the area page is one file for every area
    at.query_params["as_of"] = as_of
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def card_statuses(at: AppTest) -> dict[str, str]:
    found = {}
    for element in at.markdown:
        match = re.search(r"<div[^>]*>([^<]+)</div><span class=\"kpi-status\"[^>]*>([^<]+)</span>", element.value)
        if match:
            found[unescape(match.group(1))] = unescape(match.group(2))
    return found


def test_communication_page():
    at = run("communication.py")
    assert at.header[0].value == "Kommunikation"
    assert card_statuses(at) == {
        "Prenumeranter på nyhetsbrevet": "↗ På väg",
        "Följare i sociala medier": "✖ Efter plan",
    }
    table = at.table[0].value
    assert list(table["Status"]) == ["↗ På väg", "✖ Efter plan"]
    assert list(table["Värde"]) == [f"6{NBSP}900", f"10{NBSP}400"]
    # 10 400 against 10 000 + 2 500 × 151/365 = 11 034: pace 400/1 034 = 0.39.
    assert list(table["Förklaring"])[1] == f"Efter plan: 10{NBSP}400 mot förväntat 11{NBSP}034, takt 0,39."


def test_organisation_page_in_english_and_as_of_earlier():
    at = run("organisation.py", lang="en")
    assert at.header[0].value == "Organisation"
    assert card_statuses(at) == {
        "Costs (kSEK)": "↘ Moving away",
        "Office (full-time equivalents)": "✔ Reached",
        "Own label": "↗ On track",
        "Stores selling local food": "? No data",
    }
    assert list(at.table[0].value["Value"]) == ["1,050", "2.0", "Not done", "–"]
    # On 2026-03-01 neither has a value: the first cost and office values are dated 2026-03-31.
    early = card_statuses(run("organisation.py", as_of="2026-03-01", lang="en"))
    assert early["Costs (kSEK)"] == "? No data" and early["Office (full-time equivalents)"] == "? No data"


def test_area_missing_from_the_configuration():
    at = run("business.py")
    assert at.info[0].value == "Området ”business” finns inte (längre) i planen."
    assert card_statuses(at) == {}


def _area_app(area_id: str) -> None:
    import streamlit as st

    from ui.cards import area_section
    from ui.state import dataset, sidebar

    state = sidebar()
    data = dataset(state)
    shown = area_section(data, state, area_id)
    st.write(",".join(item.id for item in shown))


def test_area_section_contract_for_the_register_pages():
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_function(_area_app, args=("activities",), default_timeout=30)
    at.query_params["as_of"] = "2026-06-30"
    at.run()
    assert not at.exception, at.exception
    assert at.header[0].value == "Aktiviteter"
    assert card_statuses(at) == {"Utbildningar": "⚠ Risk", "Samverkan med UF": "✔ Uppnått"}
    assert at.main.markdown[-1].value == "trainings,uf_collaboration"
    at = AppTest.from_function(_area_app, args=("nothing_here",), default_timeout=30)
    at.run()
    assert at.info[0].value == "Det finns inga mål i det här området ännu."
    assert at.main.markdown[-1].value == ""
