"""Any organisation's own dashboard from its configuration (issue 21): for Sörmlands Matkluster and
both example organisations, the menu is exactly that organisation's areas in the user's language,
its name is visible, every page runs inside the app, and no page shows another organisation's
words, a file name or a doc name. The CLI answers for each of them too."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from kpi.read.targets import load_config
from kpi.show.navigation import menu
from tests.support import ROOT
from ui.text import escape_markdown

pytestmark = pytest.mark.slow

CONFIGURATIONS = {
    "matkluster": (ROOT / "data", ROOT / "targets.yaml"),
    "matkooperativ": (
        ROOT / "examples" / "matkooperativ" / "data",
        ROOT / "examples" / "matkooperativ" / "targets.yaml",
    ),
    "gardsforening": (
        ROOT / "examples" / "gardsforening" / "data",
        ROOT / "examples" / "gardsforening" / "targets.yaml",
    ),
}
AS_OF = "2026-11-30"
# A file or a doc of the project named on a page: developer text, not the user's words.
FILE_NAMES = re.compile(r"\b[\w/-]+\.(?:csv|ya?ml|md|py)\b|docs/")


# The pages where staff find the files themselves (what each holds, its problems by file and row).
STAFF_PAGES = {"data", "about"}


def area_names(name: str) -> set[str]:
    targets = yaml.safe_load(CONFIGURATIONS[name][1].read_text(encoding="utf-8"))
    return {area["name"][lang] for area in targets["areas"] for lang in ("sv", "en")}


def organisation_names(name: str) -> set[str]:
    organisation = yaml.safe_load(CONFIGURATIONS[name][1].read_text(encoding="utf-8"))["organisation"]
    return {organisation["name"], organisation.get("short") or organisation["name"]}


def start(name: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    data, targets = CONFIGURATIONS[name]
    monkeypatch.setenv("KPI_DATA_DIR", str(data))
    monkeypatch.setenv("KPI_TARGETS", str(targets))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["as_of"] = AS_OF
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def menu_hashes(at: AppTest) -> dict[str, str]:
    """URL path → the page hash a click in the menu sends, from the app's first run (AppTest lists
    the files of pages/ after later runs)."""
    return {str(info.get("url_pathname")): page_hash for page_hash, info in at._registered_pages.items()}


def open_page(at: AppTest, page_hash: str) -> AppTest:
    """Open a page of the menu as a click in the menu does (AppTest's switch_page takes a file, and
    every area page is the one file pages/area.py)."""
    at._page_hash = page_hash
    return at.run()


def visible(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success"):
        parts += [str(element.value) for element in at.get(kind)]
    parts += [expander.label for expander in at.expander]
    parts += [table.value.to_csv(index=False) for table in at.table]
    return "\n".join(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", part, flags=re.S)) for part in parts)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", list(CONFIGURATIONS))
def test_the_menu_is_the_organisation_s_own(name, lang, monkeypatch):
    at = start(name, lang, monkeypatch)
    config = load_config(CONFIGURATIONS[name][1])
    registered = {info["url_pathname"]: info["page_name"] for info in at._registered_pages.values()}
    expected_areas = {area.slug: area.name.get(lang) for area in config.areas}
    assert {path: title for path, title in registered.items() if path in expected_areas} == expected_areas
    built_in = {"", "metric", "reports", "data", "about"}
    assert set(registered) == built_in | set(expected_areas)
    # Projects only where there are projects: Matkluster's project area, under its own heading.
    groups = [group.title for group in menu(config, lang)]
    assert (("Projekt" if lang == "sv" else "Projects") in groups) == bool(config.projects)
    assert config.organisation is not None
    assert f"**{escape_markdown(config.organisation.name)}**" in [element.value for element in at.sidebar.markdown]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", list(CONFIGURATIONS))
def test_every_page_runs_and_speaks_only_of_its_organisation(name, lang, monkeypatch):
    at = start(name, lang, monkeypatch)
    other_names = set().union(*(organisation_names(other) for other in CONFIGURATIONS if other != name))
    other_areas = set().union(*(area_names(other) for other in CONFIGURATIONS if other != name)) - area_names(name)
    config = load_config(CONFIGURATIONS[name][1])
    for path, page_hash in menu_hashes(at).items():
        open_page(at, page_hash)
        assert not at.exception, (path, at.exception)
        text = visible(at)
        assert text.strip(), path
        for word in other_names:  # another organisation's name, anywhere
            assert word not in text, (path, word)
        headings = {
            element.value.replace("\\", "") for kind in ("title", "header", "subheader") for element in at.get(kind)
        }
        assert not headings & other_areas, (path, headings & other_areas)  # another organisation's area
        if path not in STAFF_PAGES:
            found = FILE_NAMES.search(text)
            assert found is None, (path, found.group(0) if found else "")
        if path in {area.slug for area in config.areas}:
            area = next(area for area in config.areas if area.slug == path)
            assert at.header[0].value == escape_markdown(area.name.get(lang))  # drawn as text


@pytest.mark.parametrize("name", list(CONFIGURATIONS))
def test_the_command_line_answers_for_every_organisation(name, tmp_path):
    data, targets = CONFIGURATIONS[name]
    common = ["--data", str(data), "--targets", str(targets)]
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "kpi", *args, *common], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert run("validate").returncode == 0
    status = run("status", "--format", "json", "--as-of", AS_OF)
    assert status.returncode == 0, status.stderr
    goals = json.loads(status.stdout)
    ids = {goal["id"] for goal in (goals["metrics"] if isinstance(goals, dict) else goals)}
    assert ids == set(load_config(targets).metric_ids())
    out = tmp_path / "report.xlsx"
    report = run("report", "--format", "xlsx", "--as-of", AS_OF, "--out", str(out))
    assert report.returncode == 0, report.stderr
    assert Path(out).stat().st_size > 0


def test_a_register_of_its_own_kind_is_counted_and_listed(monkeypatch):
    """examples/gardsforening: market_days.csv, defined only in kpi.model.registers, on /marknad."""
    at = start("gardsforening", "sv", monkeypatch)
    open_page(at, menu_hashes(at)["marknad"])
    assert not at.exception, at.exception
    assert at.subheader[0].value == "Marknadsdagsregistret 2026"
    rows = at.table[0].value
    assert list(rows.columns) == ["Datum", "Plats", "Stånd", "Besökare", "Anteckning"]  # no file rows
    assert list(rows["Datum"])[:2] == ["2026-10-10", "2026-09-19"]  # newest first
    assert len(rows) == 8
    # 520 + 610 + 380 + 740 + 690 + 410 + 560 + 470 = 4 380 visitors; 8 market days.
    cards = " ".join(element.value for element in at.metric)
    assert "8" in [element.value for element in at.metric] and "4\u00a0380" in cards
