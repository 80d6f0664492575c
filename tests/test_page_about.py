"""The "Metod & data" page: the rule in plain words with the thresholds in force, files, credits."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support import FIXTURES, ROOT

PAGE = ROOT / "pages" / "about.py"


@pytest.fixture
def fixture_env(monkeypatch):
    def use(folder):
        monkeypatch.setenv("KPI_DATA_DIR", str(folder / "data"))
        monkeypatch.setenv("KPI_TARGETS", str(folder / "targets.yaml"))

    use(FIXTURES / "basic")
    return use


def run(lang: str | None = None, unlocked_as: str | None = None) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    if unlocked_as:
        at.session_state["access_password_editor"] = unlocked_as  # the password fallback: a role
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(element.value for element in [*at.markdown, *at.text])  # the problem banner is st.text


def test_about_page_in_swedish(fixture_env):
    at = run()
    assert at.title[0].value == "Metod & data"
    text = texts(at)
    assert "**↗ På väg**: takten är minst 95 % av den förväntade." in text
    assert "**⚠ Risk**: takten är 60–95 % av den förväntade." in text
    assert "**Gränser som gäller nu: på väg vid takt ≥ 0,95, risk vid takt ≥ 0,60.**" in text
    files = at.table[0].value
    assert list(files["Fil"]) == [
        "data/metrics/communication.csv",
        "data/metrics/milestones.csv",
        "data/metrics/organisation.csv",
    ]
    assert list(files["Teckenkodning"]) == ["UTF-8", "Windows-1252", "Windows-1252"]
    assert list(files["Rader"]) == ["6", "1", "5"]
    # What each file holds, in the board's words, before its name.
    assert list(files["Innehåll"]) == [
        "Kommunikation: Prenumeranter på nyhetsbrevet, Följare i sociala medier",
        "Aktiviteter: Samverkan med UF",
        "Aktiviteter, Organisation: Utbildningar, Kostnader (tkr), Kansli (heltidstjänster)",
    ]
    assert at.success[0].value == "Inga problem hittades i datafilerna."
    assert "SCB" not in text  # no map in this configuration: no credit for its boundaries
    assert "inte märkt som exempeldata" in text


def test_the_map_s_boundaries_are_credited_where_the_map_is_drawn(fixture_env):
    fixture_env(FIXTURES / "registers")  # an area shows the agreements register, and so the map
    text = texts(run())
    assert "SCB" in text and "CC BY 4.0" in text


def test_about_page_in_english_with_own_thresholds_and_example_marker(fixture_env, tmp_path):
    folder = tmp_path / "basic"
    shutil.copytree(FIXTURES / "basic", folder)
    targets = folder / "targets.yaml"
    targets.write_text(
        targets.read_text(encoding="utf-8").replace(
            "organisation: {name: Testföreningen, id: matkluster}",
            "organisation: {name: Testföreningen, id: matkluster}\nstatus_thresholds: {on_track: 0.9, at_risk: 0.5}",
        ),
        encoding="utf-8",
    )
    (folder / "data" / "EXAMPLE_DATA").write_text("", encoding="utf-8")
    fixture_env(folder)
    at = run(lang="en")
    assert at.title[0].value == "Method & data"
    text = texts(at)
    assert "**↗ On track**: the pace is at least 90% of what was expected." in text
    assert "**Thresholds in force: on track at pace ≥ 0.90, at risk at pace ≥ 0.50.**" in text
    assert at.info[0].value.startswith("Example data:")
    assert list(at.table[0].value.columns) == [
        "Holds",
        "File",
        "Kind",
        "Last modified",
        "Rows",
        "Encoding",
        "Separator",
    ]


def test_problems_are_listed(fixture_env, tmp_path):
    folder = tmp_path / "basic"
    shutil.copytree(FIXTURES / "basic", folder)
    path = folder / "data" / "metrics" / "communication.csv"
    path.write_text(path.read_text(encoding="utf-8") + "social_followers,2026-13-01,10500,,Meta\n", encoding="utf-8")
    fixture_env(folder)
    at = run(unlocked_as="Anna")
    assert at.error[0].value.startswith("1 fel i datafilerna")
    assert "data/metrics/communication.csv:8:date" in texts(at)


def all_text(at: AppTest) -> str:
    parts = [*at.markdown, *at.text, *at.caption, *at.info, *at.warning, *at.error, *at.success]
    return "\n".join(str(element.value) for element in parts) + "\n".join(str(t.value) for t in at.table)


def test_visitors_without_a_role_see_nothing_of_the_server(fixture_env, tmp_path):
    folder = tmp_path / "basic"
    shutil.copytree(FIXTURES / "basic", folder)
    (folder / "data" / "EXAMPLE_DATA").write_text("", encoding="utf-8")  # the notice names the folder
    fixture_env(folder)
    anonymous = all_text(run())
    assert str(tmp_path) not in anonymous and "/tmp" not in anonymous and "targets.yaml" not in anonymous
    assert "data/metrics/communication.csv" in list(run().table[0].value["Fil"])  # files by their names in data/
    assert str(folder / "data") in all_text(run(unlocked_as="Anna"))  # the administrator sees where


def test_anonymous_visitors_see_where_problems_are_not_what_the_cells_hold(fixture_env, tmp_path):
    folder = tmp_path / "basic"
    shutil.copytree(FIXTURES / "basic", folder)
    path = folder / "data" / "metrics" / "communication.csv"
    path.write_text(path.read_text(encoding="utf-8") + "social_followers,2026-06-15,Anna Ek sa upp sig,,M\n", "utf-8")
    fixture_env(folder)
    anonymous = run()
    assert anonymous.error[0].value.startswith("1 fel i datafilerna")
    assert "data/metrics/communication.csv:8:value" in texts(anonymous)
    assert "Anna Ek" not in all_text(anonymous)
    assert "”Anna Ek sa upp sig” är inte ett tal" in texts(run(unlocked_as="Anna"))


@pytest.mark.parametrize(
    ("lang", "heading", "shortcoming", "report"),
    [
        (
            "sv",
            "Tillgänglighetsredogörelse",
            "Navigeringen i sidofältet kommer från ramverket Streamlit",
            "Rapportera ett problem",
        ),
        (
            "en",
            "Accessibility statement",
            "the sidebar navigation comes from the Streamlit framework",
            "Report a problem",
        ),
    ],
)
def test_an_accessibility_statement_in_both_languages(fixture_env, lang, heading, shortcoming, report):
    at = run(lang=lang)
    assert heading in [element.value for element in at.header]
    text = texts(at)
    assert "WCAG 2.1" in text and shortcoming in text and report in text and "DIGG" in text
    assert "Testföreningen" in text  # who is responsible, from targets.yaml
