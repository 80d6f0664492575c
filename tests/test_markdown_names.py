"""Metric names and descriptions from targets.yaml are text on every page, never Markdown or HTML.

A name or description holding ``**bold**``, a link, an image, ``<b>`` or a bare URL must show
those characters: escaped in Markdown elements (``\\*\\*bold\\*\\*``), HTML-escaped inside the
HTML the pages build, or in plain-text elements (tables, select boxes, st.text).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from tests.e2e_server import PAGE_PATHS

HOSTILE = "**bold** [link](https://example.org) ![img](https://example.org/x.png) <b>x</b> https://example.org/bare"
RAW = ["**bold**", "[link](https://example.org)", "![img](", "<b>x</b>", "https://example.org/bare"]
MARKDOWN_KINDS = ("markdown", "caption", "subheader", "header", "title", "info", "warning", "success", "error")


def hostile_targets(targets: Path) -> None:
    """Every metric's name (both languages) and description, and every area's name, made hostile."""
    config = yaml.safe_load(targets.read_text(encoding="utf-8"))
    for number, area in enumerate(config.get("areas") or []):
        area["name"] = {"sv": f"Område {number} {HOSTILE}", "en": f"Area {number} {HOSTILE}"}
    for number, metric in enumerate(config["metrics"]):
        metric["name"] = {"sv": f"Mål {number} {HOSTILE}", "en": f"Goal {number} {HOSTILE}"}
        metric["description"] = f"Beskrivning {HOSTILE}"
    targets.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def acted_on(value: str) -> list[str]:
    """What in an element's text Markdown or HTML would turn into formatting, a link or an image."""
    if value.lstrip().startswith("<"):  # HTML the page built: the name must be HTML-escaped in it
        found = [piece for piece in ("<b>x</b>",) if piece in value]
        found += re.findall(r"<(?:a|img)\b[^>]*example\.org[^>]*>", value)
        return found
    return [piece for piece in RAW if piece in value]


@pytest.mark.parametrize(
    ("fixture", "lang"),
    [
        ("basic", "sv"),
        pytest.param("basic", "en", marks=pytest.mark.slow),  # the quick suite keeps one sweep
        pytest.param("registers", "sv", marks=pytest.mark.slow),
        pytest.param("registers", "en", marks=pytest.mark.slow),
    ],
)
def test_no_page_renders_a_metric_name_as_markdown(fixture, lang, copy_fixture, use_data, run_page):
    data, targets = copy_fixture(fixture)
    hostile_targets(targets)
    use_data(data, targets)
    seen_name, found = False, []
    for name in PAGE_PATHS:
        params = {"as_of": "2026-06-30", "lang": lang}
        if name == "metric":
            params["metric"] = yaml.safe_load(targets.read_text(encoding="utf-8"))["metrics"][0]["id"]
        at = run_page(name, unlocked_as="Anna", **params)
        assert not at.exception, (name, at.exception)
        assert not any("targets.yaml" in str(error.value) for error in at.error), (name, "targets.yaml not read")
        for kind in MARKDOWN_KINDS:
            for element in getattr(at, kind):
                value = str(element.value)
                seen_name = seen_name or "bold" in value
                if acted_on(value):
                    found.append((name, kind, value[:200]))
        found += [(name, "expander", str(box.label)) for box in at.expander if acted_on(str(box.label))]
    assert not found, "\n".join(repr(item) for item in found)
    assert seen_name  # the names were shown somewhere as Markdown-capable text, so the check had work


@pytest.mark.parametrize("view", [{"view": "areas"}, {"present": "1"}])
def test_the_overviews_other_views_show_area_names_as_text(view, copy_fixture, use_data, run_page):
    data, targets = copy_fixture("basic")
    hostile_targets(targets)
    use_data(data, targets)
    at = run_page("overview", as_of="2026-06-30", **view)
    assert not at.exception, at.exception
    if "present" in view:  # the presentation opens with a summary (issue 22); the areas follow
        at.button(key="present_next").click().run()
    headings = [str(element.value) for kind in ("header", "subheader") for element in getattr(at, kind)]
    assert any("Område" in heading for heading in headings), headings  # the area names were drawn
    assert not [heading for heading in headings if acted_on(heading)], headings


def test_the_check_itself_sees_an_unescaped_name():
    assert acted_on(f"### {HOSTILE}")
    assert acted_on(f"<td>{HOSTILE}</td>")
    assert not acted_on(f"<td>{html.escape(HOSTILE)}</td>")
    from ui.text import escape_markdown

    assert not acted_on(escape_markdown(HOSTILE))
