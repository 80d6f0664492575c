"""app.py: the menu lists the built-in pages and one page per area of the configuration, opens the
overview, and every page runs inside it."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support import FIXTURES, ROOT

APP = ROOT / "app.py"
PAGES = [
    "pages/overview.py",
    "pages/area.py",
    "pages/metric.py",
    "pages/reports.py",
    "pages/data.py",
    "pages/about.py",
]


@pytest.fixture(autouse=True)
def fixture_env(monkeypatch):
    monkeypatch.setenv("KPI_DATA_DIR", str(FIXTURES / "basic" / "data"))
    monkeypatch.setenv("KPI_TARGETS", str(FIXTURES / "basic" / "targets.yaml"))


def start(lang: str | None = None) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["as_of"] = "2026-06-30"
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_page_files_are_the_built_in_pages_and_the_one_area_page():
    assert sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "pages").glob("*.py")) == sorted(PAGES)


def test_the_menu_lists_the_configuration_s_areas():
    at = start()
    pages = {info["url_pathname"]: info for info in at._registered_pages.values()}
    # tests/fixtures/basic has three areas and no projects: no Projekt page.
    assert {path: info["page_name"] for path, info in pages.items()} == {
        "": "Översikt",  # the default page lives at the root
        "metric": "Mätetal i detalj",
        "communication": "Kommunikation",
        "activities": "Aktiviteter",
        "organisation": "Organisation",
        "reports": "Rapporter",
        "data": "Mata in data",
        "about": "Metod & data",
    }


def test_default_page_is_the_overview_and_a_card_opens_its_detail_page():
    at = start()
    assert at.title[0].value == "Översikt: målen per 30 juni 2026"
    at.segmented_control(key="overview_view").set_value("cards").run()  # the list is the default view
    at.button(key="details_social_followers").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Följare i sociala medier"
    assert at.query_params["metric"] in ("social_followers", ["social_followers"])
    # 10 400 against 10 000 + 2 500 × 151/365 = 11 034: pace 0.39 → off track.
    assert any(
        element.value == "#### Efter plan: 10\u00a0400 mot förväntat 11\u00a0034, takt 0,39." for element in at.markdown
    )


@pytest.mark.parametrize("page", [page for page in PAGES if page != "pages/area.py"])
def test_every_page_runs_inside_the_app(page):
    at = start()
    at.switch_page(page).run()
    assert not at.exception, at.exception


def test_english_inside_the_app():
    # Carrying the language over to another page is the browser's job (tests/test_e2e_browser.py):
    # AppTest's switch_page does not replay the URL-bound widgets.
    at = start(lang="en")
    assert at.title[0].value == "Overview: the goals as of 30 Jun 2026"
