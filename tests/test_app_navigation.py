"""app.py: the navigation lists the twelve pages, opens the overview, and every page runs inside it."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support import FIXTURES, ROOT

APP = ROOT / "app.py"
PAGES = [
    "pages/overview.py",
    "pages/members.py",
    "pages/communication.py",
    "pages/municipalities.py",
    "pages/activities.py",
    "pages/projects.py",
    "pages/organisation.py",
    "pages/business.py",
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


def test_app_lists_exactly_the_twelve_pages():
    listed = re.findall(r'page\("(pages/[a-z_]+\.py)"', APP.read_text(encoding="utf-8"))
    assert sorted(listed) == sorted(PAGES)
    for page in PAGES:
        assert (ROOT / page).is_file(), page


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


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_inside_the_app(page):
    at = start()
    at.switch_page(page).run()
    assert not at.exception, at.exception


def test_english_inside_the_app():
    # Carrying the language over to another page is the browser's job (tests/test_e2e_browser.py):
    # AppTest's switch_page does not replay the URL-bound widgets.
    at = start(lang="en")
    assert at.title[0].value == "Overview: the goals as of 30 Jun 2026"
