"""End to end in a real headless Chromium: the dashboard as a board member uses it.

``streamlit run app.py`` on a free port with tests/fixtures/basic, driven by Debian's chromium via
Playwright's sync API. Screenshots of every page at 1280×800 (projector) and 390×844 (phone) go to
test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e_server import CHROMIUM, PAGE_PATHS, dashboard, launch, wait_idle
from tests.support import FIXTURES, ROOT

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (scripts/setup-test-env.sh installs it)", allow_module_level=True)

ARTIFACTS = ROOT / "test-artifacts"
AS_OF = "as_of=2026-06-30"


def visible(page) -> str:
    """The main area's text with no-break spaces as plain spaces (Swedish thousands separator)."""
    return page.inner_text('[data-testid="stMain"]').replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def base_url():
    with dashboard(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        yield tab
    finally:
        context.close()


def test_overview_card_and_detail_page_through_the_ui(base_url, page):
    page.goto(f"{base_url}/?{AS_OF}")
    wait_idle(page, 60_000)  # the first load also warms the frontend cache
    text = visible(page)
    assert "Översikt: målen per 30 juni 2026" in text
    card = (
        page.locator('[data-testid="stVerticalBlock"]', has_text="Prenumeranter på nyhetsbrevet")
        .filter(has_text="Detaljer")
        .last
    )
    card_text = card.inner_text().replace("\u00a0", " ")
    for expected in (
        "Prenumeranter på nyhetsbrevet",
        "↗ På väg",
        "6 900",
        "per 31 maj 2026",
        "Mål 2026: 6 900 av 7 500",
        "Mål 2030: 6 900 av 11 000",
    ):
        assert expected in card_text
    card.get_by_role("button", name=re.compile("Detaljer")).click()
    page.wait_for_url(re.compile(r"/metric\?.*metric=newsletter_subscribers"))
    page.get_by_role("heading", name="Prenumeranter på nyhetsbrevet").wait_for()
    wait_idle(page)
    assert "as_of=2026-06-30" in page.url
    assert "På väg: 6 900 mot förväntat 6 738, takt 1,30." in visible(page)
    page.locator(".js-plotly-plot").first.wait_for()


def test_language_switch_changes_labels_and_numbers(base_url, page):
    page.goto(f"{base_url}/metric?metric=newsletter_subscribers&{AS_OF}")
    wait_idle(page, 60_000)
    assert "På väg: 6 900 mot förväntat 6 738, takt 1,30." in visible(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("radio", name="en", exact=True).click()
    page.get_by_role("heading", name="Newsletter subscribers").wait_for()
    wait_idle(page)
    assert "On track: 6,900 against an expected 6,738, pace 1.30." in visible(page)
    assert "lang=en" in page.url
    # The menu follows, and the language stays when moving to another page through it.
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Overview").click()
    page.get_by_role("heading", name=re.compile("Overview: the goals as of 30 Jun 2026")).wait_for()
    wait_idle(page)
    assert "Newsletter subscribers" in visible(page)


def test_every_page_renders_and_is_captured(base_url, browser):
    """Each page once, photographed at projector size, then narrowed to a phone and photographed again."""
    sizes = {"1280x800": {"width": 1280, "height": 800}, "390x844": {"width": 390, "height": 844}}
    for folder in sizes:
        (ARTIFACTS / folder).mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=sizes["1280x800"])
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        for name, path in PAGE_PATHS.items():
            query = f"{AS_OF}&metric=newsletter_subscribers" if name == "metric" else AS_OF
            tab.set_viewport_size(sizes["1280x800"])
            tab.goto(f"{base_url}/{path}?{query}")
            wait_idle(tab, 60_000)
            assert tab.locator('[data-testid="stException"]').count() == 0, name
            tab.screenshot(path=str(ARTIFACTS / "1280x800" / f"{name}.png"))
            tab.set_viewport_size(sizes["390x844"])  # Streamlit folds the sidebar and stacks the columns
            tab.wait_for_timeout(400)
            tab.screenshot(path=str(ARTIFACTS / "390x844" / f"{name}.png"))
    finally:
        context.close()
    for folder in sizes:
        assert sorted(p.stem for p in (ARTIFACTS / folder).glob("*.png")) == sorted(PAGE_PATHS)
