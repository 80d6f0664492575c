"""The metric detail page in AppTest on tests/fixtures/basic: chart, sentence, targets, observations."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support import FIXTURES, ROOT

PAGE = ROOT / "pages" / "metric.py"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def fixture_env(monkeypatch):
    monkeypatch.setenv("KPI_DATA_DIR", str(FIXTURES / "basic" / "data"))
    monkeypatch.setenv("KPI_TARGETS", str(FIXTURES / "basic" / "targets.yaml"))


def run(
    metric: str | None = "newsletter_subscribers",
    as_of: str = "2026-06-30",
    lang: str | None = None,
    unlocked_as: str | None = None,
) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    if unlocked_as:
        at.session_state["access_password_editor"] = unlocked_as
    at.query_params["as_of"] = as_of
    if metric:
        at.query_params["metric"] = metric
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def texts(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def test_detail_page_explains_the_status_with_its_numbers():
    at = run()
    assert at.title[0].value == "Prenumeranter på nyhetsbrevet"
    assert at.selectbox[0].value == "newsletter_subscribers"
    assert "↗ På väg" in texts(at)
    assert f"#### På väg: 6{NBSP}900 mot förväntat 6{NBSP}738, takt 1,30." in texts(at)
    assert "> Nyhetsbrevet har minst 11 000 prenumeranter" in texts(at)
    spec = figure(at)
    names = [trace["name"] for trace in spec["data"]]
    assert names == ["Förväntad väg", "Uppmätt", "Mål", "Trend"]
    assert spec["data"][0]["y"] == [6200, 7500, 11000] and spec["data"][0]["line"]["dash"] == "dash"
    assert spec["layout"]["separators"] == ", "
    targets = at.table[0].value
    assert list(targets.iloc[:, 0]) == ["31 dec. 2026", "31 dec. 2030"]
    assert list(targets.iloc[:, 2]) == ["avgörs på datumet", "avgörs på datumet"]
    observations = at.dataframe[0].value
    assert list(observations["Datum"]) == ["2026-05-31", "2026-03-31", "2026-01-31"]
    assert "Anteckning" not in observations  # a note may name a member: not for anonymous visitors
    assert list(observations["Rad"]) == ["4", "3", "2"]
    assert list(run(unlocked_as="Anna").dataframe[0].value["Anteckning"])[0] == "Kampanj i maj"


def test_as_of_date_changes_the_status_and_the_chart():
    at = run(as_of="2026-01-31")
    # 6 300 against 6 200 + 1 300 × 31/365 = 6 310.4: pace 100/110.4 = 0.91 → at risk.
    assert f"#### Risk: 6{NBSP}300 mot förväntat 6{NBSP}310, takt 0,91." in texts(at)
    observed = figure(at)["data"][1]
    assert observed["y"] == [6300]
    assert list(at.dataframe[0].value["Datum"])[0] == "2026-05-31 (efter valt datum)"


def test_english_detail_page():
    at = run(lang="en", metric="trainings")
    assert at.title[0].value == "Trainings"
    # 2 this year against 6 × 180/364 = 2.97 expected by 30 June: pace 0.67 → at risk.
    assert "#### At risk: 2 against an expected 3, pace 0.67." in texts(at)
    spec = figure(at)
    assert [trace["name"] for trace in spec["data"]][:2] == ["Expected path", "Running total this year"]
    assert spec["layout"]["separators"] == ".,"
    assert at.table[0].value.columns[0] == "Date"


def test_choosing_another_metric_updates_the_url():
    at = run()
    at.selectbox[0].set_value("uf_collaboration").run()
    assert at.title[0].value == "Samverkan med UF"
    assert at.query_params["metric"] == ["uf_collaboration"] or at.query_params["metric"] == "uf_collaboration"
    assert "Uppnått: klart 1 mars 2026." in texts(at)


def test_unknown_or_missing_metric_falls_back_to_the_first():
    at = run(metric="no_such_metric")
    assert at.warning[0].value.startswith("Mätetalet ”no_such_metric” finns inte")
    assert at.title[0].value == "Prenumeranter på nyhetsbrevet"
    assert run(metric=None).title[0].value == "Prenumeranter på nyhetsbrevet"


def test_metric_without_observations():
    at = run(metric="stores_local_food_pct")
    assert "Uppgift saknas: inga värden till och med 30 juni 2026." in texts(at)
    assert at.info[-1].value == "Inga observationer i datafilerna."


def test_register_metric_shows_which_ones(monkeypatch):
    # tests/fixtures/registers: restaurants on 2026-06-30 are M06 and M08 (2 rows).
    monkeypatch.setenv("KPI_DATA_DIR", str(FIXTURES / "registers" / "data"))
    monkeypatch.setenv("KPI_TARGETS", str(FIXTURES / "registers" / "targets.yaml"))
    at = run(metric="members_restaurants", as_of="2026-06-30", unlocked_as="Anna")
    texts = [element.value for element in at.markdown]
    assert any(text.startswith("**Vilka? ") and text.endswith("\\(2 rader\\)**") for text in texts), texts
    table = at.table[-1].value
    assert sorted(table.iloc[:, 0].tolist()) == ["M06", "M08"]
    # An anonymous visitor sees the number and its chart, not which members they are.
    anonymous = run(metric="members_restaurants", as_of="2026-06-30")
    assert not any(str(text).startswith("**Vilka? ") for text in (e.value for e in anonymous.markdown))
    assert "Listor med enskilda medlemmar visas för inloggad styrelse och personal." in [
        e.value for e in anonymous.caption
    ]
