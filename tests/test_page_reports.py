"""The Rapporter page in Streamlit's AppTest: a funder's report in two clicks, any report from the
form, board packs saved and listed with what changed.

Chart images are switched off here (the renderer fails on purpose, which the report notes), so
the page tests stay fast; the PDF tests check the images themselves.
"""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi.report import content as reports
from kpi.report import images
from tests.support import ROOT, project_fixture
from ui.text import escape_markdown

PAGE = ROOT / "pages" / "reports.py"


def _open(tmp_path, monkeypatch, unlocked_as: str | None = "Anna"):
    data, targets = project_fixture(tmp_path / "fx")
    monkeypatch.setenv("KPI_DATA_DIR", str(data))
    monkeypatch.setenv("KPI_TARGETS", str(targets))

    def no_images(figures, fmt):
        raise RuntimeError("images off in page tests")

    monkeypatch.setattr(images, "_render_figures", no_images)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.query_params["as_of"] = "2026-06-30"
    if unlocked_as:  # unlocked with the shared password: the administrator's role (ui/access.py)
        at.session_state["access_password_editor"] = unlocked_as
    at.run()
    assert not at.exception
    at.data_dir = data
    return at


@pytest.fixture
def app(tmp_path, monkeypatch):
    return _open(tmp_path, monkeypatch)


@pytest.fixture
def public_app(tmp_path, monkeypatch):
    return _open(tmp_path, monkeypatch, unlocked_as=None)


def test_saving_a_pack_needs_editor_access(tmp_path, monkeypatch):
    data, targets = project_fixture(tmp_path / "locked")
    monkeypatch.setenv("KPI_DATA_DIR", str(data))
    monkeypatch.setenv("KPI_TARGETS", str(targets))
    st.cache_resource.clear()
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.query_params["as_of"] = "2026-06-30"
    at.run()
    assert not at.exception
    assert not [button for button in at.button if button.key == "pack_save"]
    assert any(message.value.startswith("Logga in för att se det här.") for message in at.info)


def _result(at) -> dict:
    return at.session_state["reports_result"]


def test_a_funders_report_in_two_clicks(app):
    labels = [button.label for button in app.button]
    assert labels[:3] == ["KISMET (Interreg Baltic Sea Region)", "Testföreningen: egna mål (utan projekt)", "Alla mål"]
    app.button(key="quick_kismet").click().run()  # click 1
    assert not app.exception
    downloads = app.get("download_button")
    # The project runs all 2026; on 2026-11-23 the newest half-year that has ended is offered first.
    name = "matkluster-kismet-2026-01-01_2026-06-30.pdf"
    assert len(downloads) == 1 and downloads[0].proto.label == f"Ladda ner {name}"
    result = _result(app)
    assert result["name"] == name and result["data"].startswith(b"%PDF")
    assert result["mime"] == "application/pdf"
    # click 2 is the browser's download of exactly these bytes.


def test_any_report_from_the_form(app):
    app.selectbox(key="report_format").select_index(reports.FORMATS.index("xlsx"))
    app.selectbox(key="report_scope").select_index(
        ["all", "matkluster", "kismet", "communication"].index("communication")
    )
    submit = next(button for button in app.button if button.label == "Ta fram rapporten")
    submit.click().run()
    assert not app.exception
    result = _result(app)
    assert result["name"] == "matkluster-communication-2026-06-30.xlsx"
    assert result["data"][:2] == b"PK" and result["origin"] == "custom"
    assert [button.proto.label for button in app.get("download_button")] == [
        "Ladda ner matkluster-communication-2026-06-30.xlsx"
    ]


def test_save_a_board_pack_then_list_it_and_report_from_it(app):
    assert app.text_input(key="pack_author").value == "Anna"  # the unlocked editor's name
    app.button(key="pack_save").click().run()
    assert not app.exception
    path = app.data_dir / "snapshots" / "2026-06-30.json"
    assert json.loads(path.read_text(encoding="utf-8"))["author"] == "Anna"
    assert any("Styrelsepaketet för 2026-06-30 sparades" in message.value for message in app.success)
    # The label is Markdown-escaped (the author's name is typed by a person); it reads as typed.
    assert escape_markdown("Styrelsemöte 30 juni 2026 (sparat av Anna)") in [
        expander.label for expander in app.expander
    ]
    # Saving again without "replace" is refused, and the pack stays as it was.
    before = path.read_bytes()
    app.button(key="pack_save").click().run()
    assert [message.value for message in app.error] == ["Styrelsepaketet sparades inte."]
    assert "det finns redan ett styrelsepaket för 2026-06-30" in "\n".join(
        item.value for item in [*app.markdown, *app.text]
    )  # problems are plain text
    assert path.read_bytes() == before
    app.button(key="pack_2026-06-30_pdf").click().run()
    assert not app.exception
    assert _result(app)["name"] == "matkluster-alla-styrelsepaket-2026-06-30.pdf"
    app.button(key="pack_2026-06-30_xlsx").click().run()  # once a traceback: boolean value of NA
    assert not app.exception and not app.error
    assert _result(app)["name"] == "matkluster-alla-styrelsepaket-2026-06-30.xlsx"
    assert _result(app)["data"][:2] == b"PK"


def test_a_project_period_as_excel_with_aggregates_only(public_app):
    import io

    import openpyxl

    app = public_app
    periods = app.selectbox(key="quick_period_kismet")
    assert periods.options[0].startswith("Hela projektet (2026-01-01 – 2026-12-31)")
    periods.select_index(0)
    app.selectbox(key="quick_format_kismet").select_index(2)  # Excel (after PDF and Word)
    app.run()
    app.button(key="quick_kismet").click().run()
    assert not app.exception
    result = _result(app)
    assert result["name"] == "matkluster-kismet-2026-01-01_2026-12-31.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(result["data"]))
    # An anonymous visitor: aggregates only (no rows of single observations).
    # The one-click report of an Interreg project is in English (issue 24), whatever the sidebar says.
    assert "Observations" not in workbook.sheetnames and "Milestones" in workbook.sheetnames


def test_changes_since_the_last_pack_are_shown(app):
    app.text_input(key="pack_date").input("2026-03-31")
    app.button(key="pack_save").click().run()
    assert not app.exception
    text = "\n".join(item.value for item in [*app.markdown, *app.text])
    # The pack of 31 March against 30 June: office 1,5 → 2,0 turned from off track to reached.
    assert "Förändringar från styrelsepaketet 31 mars 2026 till 30 juni 2026" in text
    assert "Kansli (heltidstjänster): ✖ Efter plan → ✔ Uppnått; 1,5 → 2,0 (+0,5)" in text


def test_the_page_in_english(tmp_path, monkeypatch):
    data, targets = project_fixture(tmp_path / "fx")
    monkeypatch.setenv("KPI_DATA_DIR", str(data))
    monkeypatch.setenv("KPI_TARGETS", str(targets))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.query_params["lang"] = "en"
    at.session_state["access_password_editor"] = "Anna"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Reports"
    assert "KISMET (Interreg Baltic Sea Region)" in [button.label for button in at.button]
    assert "No board packs are saved yet." in [item.value for item in at.info]


def test_a_signed_in_board_gets_the_rows_behind_the_numbers(app):
    import io

    import openpyxl

    app.selectbox(key="quick_period_kismet").select_index(0)
    app.selectbox(key="quick_format_kismet").select_index(2)  # Excel (after PDF and Word)
    app.run()
    app.button(key="quick_kismet").click().run()
    workbook = openpyxl.load_workbook(io.BytesIO(_result(app)["data"]))
    assert "Observations" in workbook.sheetnames  # KISMET (Interreg): in English
