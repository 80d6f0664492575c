"""End to end in a real headless Chromium: the dashboard as a board member uses it.

``streamlit run app.py`` on a free port with tests/fixtures/basic, driven by Debian's chromium via
Playwright's sync API. Screenshots of every page at 1280×800 (projector) and 390×844 (phone) go to
test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
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
# axe-core from npm, outside the repository (scripts/setup-test-env.sh installs it in ~/.cache).
_AXE_PLACES = [
    os.environ.get("KPI_AXE_JS", ""),
    str(Path.home() / ".cache" / "malbild-axe" / "node_modules" / "axe-core" / "axe.min.js"),
    "/opt/malbild-axe/node_modules/axe-core/axe.min.js",
]
AXE = next((Path(place) for place in _AXE_PLACES if place and Path(place).is_file()), Path(_AXE_PLACES[1]))
# Rules that fire only on Streamlit's own markup, which the project cannot change:
# its sidebar navigation puts <li> in a <ul> through wrapper <div>s (list, listitem).
STREAMLIT_ONLY = {"list": '[data-testid="stSidebarNav"]', "listitem": '[data-testid="stSidebarNav"]'}
SIZES = {"1280x800": {"width": 1280, "height": 800}, "390x844": {"width": 390, "height": 844}}


def visible(page) -> str:
    """The main area's text with no-break spaces as plain spaces (Swedish thousands separator)."""
    return page.inner_text('[data-testid="stMain"]').replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def base_url():
    with dashboard(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml") as url:
        yield url


@pytest.fixture(scope="module")
def example_url():
    """The dashboard on the bundled example data, shared by the tests that need its long names."""
    with dashboard(ROOT / "data", ROOT / "targets.yaml") as url:
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
    # The cards are one click away from the list (?view=cards), with their details buttons.
    page.goto(f"{base_url}/?{AS_OF}&view=cards")
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


@pytest.fixture(scope="module")
def tour(base_url, browser) -> list[dict]:
    """Every page in both languages, opened afresh at projector and at phone size, once for all
    the tests that look at every page: each visit is photographed, measured and run through axe.

    One visit serves several checks because a page load is what costs (1.5 s each, 48 of them).
    """
    for folder in SIZES:
        (ARTIFACTS / folder).mkdir(parents=True, exist_ok=True)
    visits = []
    for folder, size in SIZES.items():
        context = browser.new_context(viewport=size)
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        try:
            for lang in ("sv", "en"):
                for name, path in PAGE_PATHS.items():
                    query = f"{AS_OF}&lang={lang}" + ("&metric=newsletter_subscribers" if name == "metric" else "")
                    tab.goto(f"{base_url}/{path}?{query}")
                    wait_idle(tab, 60_000)
                    tab.screenshot(path=str(ARTIFACTS / folder / f"{name}-{lang}.png"))
                    visit = {
                        "size": folder,
                        "lang": lang,
                        "page": name,
                        "exceptions": tab.locator('[data-testid="stException"]').count(),
                        "lang_attribute": tab.evaluate("document.documentElement.lang"),
                        # Nothing wider than the window outside a frame that scrolls on its own.
                        "overflow": tab.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"),
                        "violations": None,
                    }
                    if AXE.exists():
                        tab.add_script_tag(path=str(AXE))
                        result = tab.evaluate(
                            "axe.run(document, {runOnly: {type: 'tag',"
                            " values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                        )
                        visit["violations"] = [
                            (violation["id"], [node["html"][:120] for node in violation["nodes"][:3]])
                            for violation in result["violations"]
                            if violation["impact"] in ("serious", "critical") and not streamlit_only(tab, violation)
                        ]
                    visits.append(visit)
        finally:
            context.close()
    return visits


def test_every_page_renders_and_is_captured(tour):
    """Each page in both languages renders without an error, in its language, at both sizes."""
    assert len(tour) == len(SIZES) * 2 * len(PAGE_PATHS)
    for visit in tour:
        where = (visit["size"], visit["lang"], visit["page"])
        assert visit["exceptions"] == 0, where
        assert visit["lang_attribute"] == visit["lang"], where  # hyphenation follows it
        assert visit["overflow"] <= 1, (where, visit["overflow"])
    expected = sorted(f"{name}-{lang}" for name in PAGE_PATHS for lang in ("sv", "en"))
    for folder in SIZES:
        assert sorted(p.stem for p in (ARTIFACTS / folder).glob("*-??.png")) == expected


def main_offset(page, locator) -> float:
    """How far down the scrolling main area an element starts (Streamlit scrolls stMain, not the page)."""
    return locator.evaluate(
        "element => element.getBoundingClientRect().top + document.querySelector('[data-testid=\"stMain\"]').scrollTop"
    )


def test_every_goal_needing_attention_is_on_the_first_two_screens(base_url, page):
    page.goto(f"{base_url}/?{AS_OF}")
    wait_idle(page, 60_000)
    rows = page.locator("table.kpi-goals tbody tr")
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(rows.count())]
    assert statuses[:4] == ["moving_away", "off_track", "at_risk", "no_data"]
    last_attention = rows.nth(3)
    assert main_offset(page, last_attention) + last_attention.bounding_box()["height"] <= 2 * 800
    text = visible(page)
    assert (
        "10 400; enligt planen borde det vara 11 034 den 31 maj 2026. Med nuvarande takt nås 12 500 i september 2028."
        in text
    )


def test_clicking_a_count_lists_only_those_and_the_link_opens_the_same(base_url, page):
    page.goto(f"{base_url}/?{AS_OF}")
    wait_idle(page, 60_000)
    page.locator(".st-key-status_filter").get_by_role("button", name="1 ✖ Efter plan").click()
    page.wait_for_url(re.compile(r"status=off_track"))
    wait_idle(page)
    rows = page.locator("table.kpi-goals tbody tr")
    assert rows.count() == 1 and "Följare i sociala medier" in rows.first.inner_text()
    link = page.url
    other = page.context.new_page()
    other.goto(link)
    wait_idle(other, 60_000)
    assert other.locator("table.kpi-goals tbody tr").count() == 1
    other.close()


def test_presentation_mode_moves_with_the_arrow_keys(base_url, page):
    page.goto(f"{base_url}/?{AS_OF}&present=1")
    wait_idle(page, 60_000)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    page.get_by_role("heading", name="Sammanfattning").wait_for()  # issue 22: a summary first
    press_until(page, "ArrowRight", "Kommunikation")
    press_until(page, "ArrowRight", "Aktiviteter")
    press_until(page, "ArrowLeft", "Kommunikation")


def press_until(page, key: str, heading: str, tries: int = 3) -> None:
    """Press ``key`` once the page is idle, until ``heading`` shows: the arrow keys' listener is
    attached again after each rerun, and a key pressed in that instant is not heard. A key is
    pressed again only after 10 s without the heading, far longer than a heard key takes."""
    for _ in range(tries):
        wait_idle(page, 60_000)
        page.keyboard.press(key)
        try:
            page.get_by_role("heading", name=heading).wait_for(timeout=10_000)
            return
        except playwright_api.TimeoutError:
            continue
    page.get_by_role("heading", name=heading).wait_for()


def streamlit_only(page, violation) -> bool:
    """True when every node of the violation lies inside the Streamlit markup its rule is allowed on."""
    inside = STREAMLIT_ONLY.get(violation["id"])
    if inside is None:
        return False
    return all(
        page.evaluate(
            "([target, inside]) => !!document.querySelector(target)?.closest(inside)", [node["target"][0], inside]
        )
        for node in violation["nodes"]
    )


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (scripts/setup-test-env.sh installs it)")
def test_no_serious_accessibility_violations_on_any_page(tour):
    """axe-core, WCAG 2.1 A and AA, every page in both languages at projector and phone size."""
    found = [
        (visit["size"], visit["lang"], visit["page"], visit["violations"]) for visit in tour if visit["violations"]
    ]
    assert found == []


def test_a_page_opened_directly_first_shows_the_translated_menu(browser):
    """The first visit after a start lands on an area's page (/communication), not /: the menu is
    still app.py's translated st.navigation of this configuration's areas, not Streamlit's
    file-name list ("app", "area", "about", …)."""
    with dashboard(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml") as fresh:
        context = browser.new_context(viewport=SIZES["1280x800"])
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        try:
            for path, expected in (
                ("communication", ["Översikt", "Kommunikation", "Metod & data"]),
                ("about?lang=en", ["Overview", "Communication"]),
            ):
                tab.goto(f"{fresh}/{path}")
                wait_idle(tab, 60_000)
                nav = tab.locator('[data-testid="stSidebarNav"]')
                names = [name.strip() for name in nav.get_by_role("link").all_inner_texts()]
                assert all(any(entry in name for name in names) for entry in expected), names
                assert not any(name in ("app", "area", "about", "communication", "overview") for name in names), names
                assert not any("Medlemmar" in name or "Members" in name for name in names), (
                    names
                )  # not this configuration's
        finally:
            context.close()


def test_a_typed_date_applies_on_enter_in_the_browser(base_url, page):
    page.goto(f"{base_url}/?{AS_OF}")
    wait_idle(page, 60_000)
    box = page.locator('[data-testid="stSidebar"] input[aria-label="Läge per"]')
    box.fill("20261012")
    box.press("Enter")
    page.wait_for_url(re.compile(r"as_of=2026-10-12"))
    page.get_by_role("heading", name=re.compile("målen per 12 okt. 2026")).wait_for()
    assert box.input_value() == "2026-10-12"
    box.fill("12 oktober")
    box.press("Enter")
    page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]', has_text="”12 oktober” är inget datum").wait_for()
    assert "as_of=2026-10-12" in page.url and box.input_value() == "2026-10-12"


def _axis_layout(tab) -> dict:
    """Every plotly chart's box, its axis labels' boxes and its legend's box, as the browser draws them."""
    return tab.evaluate(
        r"""() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
            const box = element => { const r = element.getBoundingClientRect();
                return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: element.textContent,
                        rotated: /rotate\((?!0[,)])/.test((element.getAttribute('transform') || '')
                            + (element.parentElement.getAttribute('transform') || ''))}; };
            const legend = plot.querySelector('.legend');
            return {chart: box(plot), xticks: [...plot.querySelectorAll('.xtick text')].map(box),
                    yticks: [...plot.querySelectorAll('.ytick text')].map(box), legend: legend ? box(legend) : null};
        })"""
    )


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"] - 1
        and b["left"] < a["right"] - 1
        and a["top"] < b["bottom"] - 1
        and b["top"] < a["bottom"] - 1
    )


def _inside(inner: dict, outer: dict) -> bool:
    return inner["left"] >= outer["left"] - 1 and inner["right"] <= outer["right"] + 1


@pytest.mark.parametrize("path", ["metric?metric=social_followers", "projects", "activities"])
def test_chart_labels_fit_on_a_phone(browser, example_url, path):
    """At 390×844 (and 1280×800) no axis label is cut at the chart's edge, none overlaps another
    or the legend: on the example data, whose long project and package names did that."""
    url = example_url
    for size in SIZES.values():
        context = browser.new_context(viewport=size)
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        try:
            for lang in ("sv", "en"):
                sep = "&" if "?" in path else "?"
                tab.goto(f"{url}/{path}{sep}as_of=2026-10-31&lang={lang}")
                wait_idle(tab, 60_000)
                tab.locator(".js-plotly-plot .xtick text").first.wait_for()
                tab.wait_for_timeout(500)
                charts = _axis_layout(tab)
                assert charts, path
                for chart in charts:
                    ticks = chart["xticks"] + chart["yticks"]
                    assert ticks
                    where = (path, size["width"], lang)
                    cut = [tick for tick in ticks if not _inside(tick, chart["chart"])]
                    assert not cut, (where, chart["chart"], cut)
                    for axis in ("xticks", "yticks"):
                        # A slanted label's box is the rectangle around it: neighbours' boxes
                        # overlap though the words do not, so only level labels are compared.
                        labels = [tick for tick in chart[axis] if not tick["rotated"]]
                        for i, first in enumerate(labels):
                            crossed = [other for other in labels[i + 1 :] if _overlap(first, other)]
                            assert not crossed, (where, first, crossed)
                    if chart["legend"]:
                        assert not any(_overlap(tick, chart["legend"]) for tick in ticks), (where, chart["legend"])
        finally:
            context.close()


def test_no_english_hint_under_a_typed_field(base_url, page):
    """Streamlit writes "Press Enter to submit form" under a field being typed in, in English
    only; the Swedish view hides it (the field's own help says "tryck Enter")."""
    page.goto(f"{base_url}/reports?{AS_OF}")
    wait_idle(page, 60_000)
    page.locator('[data-testid="stExpander"] summary').first.click()
    box = page.locator('[data-testid="stMain"] input[aria-label="Period från"]')
    box.scroll_into_view_if_needed()
    box.click()
    box.type("2026-0")
    hint = page.locator('[data-testid="InputInstructions"]')
    hint.first.wait_for(state="attached")  # Streamlit did draw it ...
    assert not hint.first.is_visible()  # ... and it is not shown
    assert "Press Enter" not in page.inner_text("body")


def test_the_chart_toolbar_speaks_swedish(base_url, page):
    page.goto(f"{base_url}/metric?{AS_OF}&metric=newsletter_subscribers")
    wait_idle(page, 60_000)
    page.locator(".js-plotly-plot").first.hover()
    buttons = page.locator(".js-plotly-plot .modebar-btn")
    buttons.first.wait_for(state="attached")
    titles = [buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())]
    assert "Ladda ner diagrammet som PNG" in titles, titles
    assert not {"Download plot as a PNG", "Zoom", "Pan", "Reset axes", "Autoscale"} & set(titles), titles
