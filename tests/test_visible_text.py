"""No page shows code: no ``{placeholder}``, no metric id, register or measure name, in either language.

Every page is run in AppTest on the bundled example data (the configuration the board sees) and
everything it draws as text is collected. Register and measure names that are also plain English
words ("members", "count") are code only in the Swedish view, so they are checked there; ids with
an underscore are checked in both.
"""

from __future__ import annotations

import re

import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from tests.support import ROOT

pytestmark = pytest.mark.slow

# The built-in pages and every area page of the bundled configuration (one file, pages/area.py).
AREAS = [
    area["page"] if "page" in area else area["id"]
    for area in yaml.safe_load((ROOT / "targets.yaml").read_text(encoding="utf-8"))["areas"]
]
PAGES = [path.stem for path in sorted((ROOT / "pages").glob("*.py")) if path.stem != "area"] + AREAS


def code_words() -> tuple[set[str], set[str]]:
    """(words that are code in any language, words that are code in Swedish text)."""
    targets = yaml.safe_load((ROOT / "targets.yaml").read_text(encoding="utf-8"))
    names = {metric["id"] for metric in targets["metrics"]}
    for metric in targets["metrics"]:
        source = metric.get("source") or {}
        if isinstance(source, dict):
            names |= {str(source.get("register") or ""), str(source.get("measure") or "")}
    names.discard("")
    return {name for name in names if "_" in name}, names


def visible_texts(at: AppTest) -> list[str]:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success"):
        parts += [str(element.value) for element in at.get(kind)]
    parts += [expander.label for expander in at.expander]
    parts += [f"{element.label} {element.value}" for element in at.metric]
    parts += [table.value.to_csv(index=False) for table in at.table]
    texts = []
    for part in parts:
        part = re.sub(r"<style>.*?</style>", " ", part, flags=re.S)
        part = re.sub(r"<script>.*?</script>", " ", part, flags=re.S)
        texts.append(re.sub(r"<[^>]+>", " ", part))  # the words, not the markup around them
    return texts


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_code_or_placeholders(page, lang, monkeypatch):
    monkeypatch.setenv("KPI_DATA_DIR", str(ROOT / "data"))
    monkeypatch.setenv("KPI_TARGETS", str(ROOT / "targets.yaml"))
    st.cache_data.clear()
    st.cache_resource.clear()
    if page in AREAS:
        at = AppTest.from_file(str(ROOT / "pages" / "area.py"), default_timeout=60)
        at.session_state["_area_page"] = page
    else:
        at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    at.query_params["lang"] = lang
    if page == "metric":
        at.query_params["metric"] = "members_total"
    at.run()
    assert not at.exception, at.exception
    always, swedish = code_words()
    words = always | (swedish if lang == "sv" else set())
    texts = visible_texts(at)
    assert texts, "the page drew no text"
    for text in texts:
        assert "{" not in text and "}" not in text, text[:300]
        for word in words:
            assert not re.search(rf"(?<![\w/.-]){re.escape(word)}(?![\w.-])", text), (word, text[:300])
