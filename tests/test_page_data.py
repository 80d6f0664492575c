"""The Data page in Streamlit's AppTest: locked, unlocked, upload → preview → save → undo, quick entry."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi.write import auth, store
from tests.support import FIXTURES, ROOT, tree_digest

PAGE = ROOT / "pages" / "data.py"
PASSWORD = "Rödbeta-2026"
JUNE = b"metric;date;value\nsocial_followers;2026-06-30;10500\n"


def prepare(tmp_path: Path, monkeypatch, fixture: str = "basic", password: str | None = PASSWORD) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / fixture / "data", data)
    monkeypatch.setenv("KPI_DATA_DIR", str(data))
    monkeypatch.setenv("KPI_TARGETS", str(FIXTURES / fixture / "targets.yaml"))
    if password is None:
        monkeypatch.delenv(auth.ENV, raising=False)
    else:
        monkeypatch.setenv(auth.ENV, password)
    auth.CLIENT_THROTTLES.reset()
    st.cache_resource.clear()
    st.cache_data.clear()
    return data


def page() -> AppTest:
    return AppTest.from_file(str(PAGE), default_timeout=30)


def texts(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def log_in(at: AppTest, name: str = "Anna", password: str = PASSWORD) -> AppTest:
    if not [
        box for box in at.text_input if box.key == "data_login_name"
    ]:  # not run yet (later attempts reuse the form)
        at.run()
    at.text_input(key="data_login_name").input(name)
    at.text_input(key="data_login_password").input(password)
    at.main.button[0].click().run()
    return at


def choose(at: AppTest, relpath: str = "metrics/communication.csv", mode: str | None = "merge") -> AppTest:
    box = at.selectbox(key="data_upload_target")
    assert box.value is None  # no file is preselected
    box.select_index(box.options.index(relpath)).run()
    if mode:
        at.radio(key="data_upload_mode").set_value(mode).run()
    return at


def test_without_a_password_the_page_explains_and_edits_nothing(tmp_path, monkeypatch):
    data = prepare(tmp_path, monkeypatch, password=None)
    before = tree_digest(data)
    at = page().run()
    assert not at.exception
    assert any("Redigering är inte påslagen" in text and "KPI_EDITOR_PASSWORD" in text for text in texts(at, "info"))
    assert len(at.main.text_input) == 0 and len(at.file_uploader) == 0 and len(at.tabs) == 0
    assert tree_digest(data) == before


def test_locked_until_the_right_password(tmp_path, monkeypatch):
    prepare(tmp_path, monkeypatch)
    at = page().run()
    assert texts(at, "caption") == ["Redigering kräver redigeringslösenordet."]
    assert len(at.tabs) == 0 and len(at.file_uploader) == 0
    log_in(at, password="rödbeta-2026")
    assert texts(at, "error") == ["Fel lösenord."] and len(at.tabs) == 0
    assert "data_login_password" not in at.session_state  # the typed password is not kept
    log_in(at)
    assert not at.exception and len(at.tabs) == 4
    assert [tab.label for tab in at.tabs] == ["Ladda upp", "Snabbinmatning", "Redigera", "Historik"]
    kept = [repr(at.session_state[key]) for key in list(at.session_state) if key in at.session_state]
    assert kept and not any(PASSWORD in value for value in kept)


def test_password_from_secrets_as_a_hash(tmp_path, monkeypatch):
    prepare(tmp_path, monkeypatch, password=None)
    at = page()
    at.secrets["editor_password_hash"] = auth.hash_password(PASSWORD)
    log_in(at)
    assert len(at.tabs) == 4


def test_repeated_wrong_passwords_are_slowed_down(tmp_path, monkeypatch):
    prepare(tmp_path, monkeypatch)
    at = page()
    for attempt in range(4):
        log_in(at, password=f"fel {attempt}")
    assert texts(at, "error")[-1].startswith("För många felaktiga försök. Vänta")


def test_upload_preview_diff_confirm_and_undo(tmp_path, monkeypatch):
    data = prepare(tmp_path, monkeypatch)
    path = data / "metrics" / "communication.csv"
    original = path.read_bytes()
    at = choose(log_in(page()))
    at.file_uploader(key="data_upload_file").upload("juni.csv", JUNE, "text/csv")
    at.run()
    assert not at.exception
    # The uploaded name is user text: escaped for Markdown, so it shows exactly as typed.
    assert "Förhandsgranskning: juni\\.csv → data/metrics/communication\\.csv" in texts(at, "subheader")
    assert {metric.label: metric.value for metric in at.metric} == {
        "Nya rader": "1",
        "Ändrade rader": "0",
        "Borttagna rader": "0",
    }
    assert path.read_bytes() == original  # nothing saved before the confirm

    at.text_input(key="data_upload_preview_comment").input("juni")
    at.button(key="data_upload_preview_save").click().run()
    assert not at.exception
    assert texts(at, "success")[0] == "Sparat i metrics/communication.csv. Nya rader: 1, ändrade: 0, borttagna: 0."
    assert path.read_bytes() != original and b"social_followers,2026-06-30,10500" in path.read_bytes()
    [change] = store.read_changelog(data)
    assert (change.editor, change.comment, change.added) == ("Anna", "juni", 1)
    assert PASSWORD not in (data / "changelog.csv").read_text(encoding="utf-8-sig")

    at.button(key="data_undo").click().run()
    assert not at.exception
    assert texts(at, "success")[0].startswith("Ångrat i metrics/communication.csv")
    assert path.read_bytes() == original


def test_a_bad_upload_shows_every_problem_and_no_save_button(tmp_path, monkeypatch):
    data = prepare(tmp_path, monkeypatch)
    before = tree_digest(data)
    at = choose(log_in(page()), mode=None)
    at.file_uploader(key="data_upload_file").upload(
        "juni.csv", b"metric;date;value\nsocial_followers;2026-06-31;tio\nnyhetsbrev;2026-06-30;1\n", "text/csv"
    )
    at.run()
    assert texts(at, "error") == ["3 fel: inget kan sparas förrän de är rättade i filen."]
    problems = "\n".join(texts(at, "text"))  # plain text, never Markdown
    assert "juni.csv:2:date: ”2026-06-31” är inte ett datum på formen ÅÅÅÅ-MM-DD" in problems
    assert "juni.csv:2:value: ”tio” är inte ett tal" in problems
    assert "juni.csv:3:metric:" in problems
    assert "data_upload_preview_save" not in [button.key for button in at.button]
    assert tree_digest(data) == before


@pytest.mark.slow  # the full suite runs it; the quick suite keeps its budget
def test_someone_else_saved_in_between(tmp_path, monkeypatch):
    data = prepare(tmp_path, monkeypatch)
    path = data / "metrics" / "communication.csv"
    at = choose(log_in(page()))
    at.file_uploader(key="data_upload_file").upload("juni.csv", JUNE, "text/csv")
    at.run()
    path.write_bytes(path.read_bytes() + b"newsletter_subscribers,2026-07-31,7100,,\n")  # a colleague's save
    theirs = path.read_bytes()
    at.button(key="data_upload_preview_save").click().run()
    assert texts(at, "error") == ["Inget sparades i metrics/communication.csv."]
    assert any(
        "någon annan har sparat filen sedan du öppnade den; läs in den igen" in text for text in texts(at, "text")
    )
    assert path.read_bytes() == theirs
    # The page has made a fresh preview against their file: still one row to add, nothing of theirs removed.
    assert {metric.label: metric.value for metric in at.metric} == {
        "Nya rader": "1",
        "Ändrade rader": "0",
        "Borttagna rader": "0",
    }
    at.button(key="data_upload_preview_save").click().run()
    assert b"newsletter_subscribers,2026-07-31,7100" in path.read_bytes()
    assert b"social_followers,2026-06-30,10500" in path.read_bytes()


@pytest.mark.slow  # the full suite runs it; the quick suite keeps its budget
def test_xlsx_upload_offers_the_sheets(tmp_path, monkeypatch):
    prepare(tmp_path, monkeypatch)
    book = openpyxl.Workbook()
    book.active.title = "Maj"
    book.active.append(["metric", "date", "value"])
    book.active.append(["social_followers", "2026-05-31", 10400])
    june = book.create_sheet("Juni")
    june.append(["metric", "date", "value"])
    june.append(["social_followers", "2026-06-30", 10500])
    buffer = io.BytesIO()
    book.save(buffer)
    at = choose(log_in(page()))
    at.file_uploader(key="data_upload_file").upload("bok.xlsx", buffer.getvalue(), "application/vnd.ms-excel")
    at.run()
    assert at.selectbox(key="data_upload_sheet").options == ["Maj", "Juni"]
    assert "Inga ändringar: filen innehåller redan exakt dessa rader." in texts(at, "info")
    at.selectbox(key="data_upload_sheet").set_value("Juni").run()
    assert {metric.label: metric.value for metric in at.metric}["Nya rader"] == "1"


def test_quick_entry_of_one_value(tmp_path, monkeypatch):
    data = prepare(tmp_path, monkeypatch)
    at = log_in(page())
    at.selectbox(key="data_quick_metric").set_value("stores_local_food_pct").run()
    assert at.selectbox(key="data_quick_file_stores_local_food_pct").value.relpath == "metrics/manual.csv"
    at.text_input(key="data_quick_value").input("62,5")
    at.text_input(key="data_quick_note").input("Enkät oktober")
    at.button[[b.label for b in at.button].index("Förhandsgranska")].click().run()
    assert not at.exception
    at.button(key="data_quick_preview_save").click().run()
    assert (data / "metrics" / "manual.csv").read_text(encoding="utf-8-sig") == (
        "metric;date;value;note\nstores_local_food_pct;2026-10-31;62,5;Enkät oktober\n"
    )


def test_quick_entry_of_a_new_member(tmp_path, monkeypatch):
    data = prepare(tmp_path, monkeypatch, fixture="registers")
    members = data / "members.csv"
    at = log_in(page())
    assert at.text_input(key="data_member_id").value.startswith("M")
    at.text_input(key="data_member_id").input("M99")
    at.text_input(key="data_member_name").input("Ostmakeriet i Vingåker")
    at.selectbox(key="data_member_category").set_value("processor")
    at.text_input(key="data_member_kommun").input("Vingåker")
    labels = [button.label for button in at.main.button]
    at.main.button[labels.index("Förhandsgranska") + 1].click().run()
    assert not at.exception
    at.button(key="data_member_preview_save").click().run()
    text = members.read_bytes().decode("utf-8-sig")
    assert "M99;Ostmakeriet i Vingåker;processor;Vingåker;" in text
    sha = hashlib.sha256(members.read_bytes()).hexdigest()
    assert store.read_changelog(data)[-1].sha256_after == sha


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_the_monthly_upload_is_merged_by_default_and_removals_need_a_second_yes(tmp_path, monkeypatch):
    """A two-row monthly sheet never wipes history: merge is the default, replace must be confirmed."""
    data = prepare(tmp_path, monkeypatch)
    path = data / "metrics" / "communication.csv"
    original = path.read_bytes()
    at = choose(log_in(page()), mode=None)
    assert at.radio(key="data_upload_mode").value == "merge"
    at.file_uploader(key="data_upload_file").upload("juni.csv", JUNE, "text/csv")
    at.run()
    assert {metric.label: metric.value for metric in at.metric}["Borttagna rader"] == "0"
    assert texts(at, "success") == ["Inga fel. Kontrollera ändringarna och spara."]

    at.radio(key="data_upload_mode").set_value("replace").run()
    assert {metric.label: metric.value for metric in at.metric}["Borttagna rader"] == "6"
    assert texts(at, "success") == []
    assert any(text.startswith("Inga fel, men 6 rader tas bort") for text in texts(at, "warning"))
    assert at.button(key="data_upload_preview_save").disabled  # AppTest refuses to click it, as a browser would
    assert path.read_bytes() == original and not store.read_changelog(data)

    at.checkbox(key="data_upload_preview_removals").check().run()
    assert at.checkbox(key="data_upload_preview_removals").label == "Ja, ta bort 6 rader"
    at.button(key="data_upload_preview_save").click().run()
    assert not at.exception
    assert path.read_bytes() != original
    assert [change.removed for change in store.read_changelog(data)] == [6]


def test_cells_in_problems_are_shown_as_text_not_markdown(tmp_path, monkeypatch):
    data = prepare(tmp_path, monkeypatch)
    before = tree_digest(data)
    at = choose(log_in(page()), mode=None)
    hostile = b"metric;date;value\nsocial_followers;2026-06-30;![x](https://example.com/t.png)\n"
    at.file_uploader(key="data_upload_file").upload("[klick](https://example.com).csv", hostile, "text/csv")
    at.run()
    assert not at.exception
    shown = "\n".join(texts(at, "text"))
    assert "”![x](https://example.com/t.png)” är inte ett tal" in shown
    assert not any("](https://" in text for text in texts(at, "markdown"))
    assert not any("](https://" in text.replace("\\", "") and "\\]" not in text for text in texts(at, "subheader"))
    assert tree_digest(data) == before


def test_computed_metrics_are_marked_and_point_to_their_register(tmp_path, monkeypatch):
    data = prepare(tmp_path, monkeypatch, fixture="registers")
    before = tree_digest(data)
    at = log_in(page())
    box = at.selectbox(key="data_quick_metric")
    assert any("(räknas från members.csv)" in option for option in box.options)
    at.selectbox(key="data_quick_metric").set_value("members_total").run()
    assert not at.exception
    assert any(text.startswith("Det här mätetalet räknas fram ur registret members.csv") for text in texts(at, "info"))
    [send] = [button for button in at.button if button.label == "Förhandsgranska"][:1]
    assert send.disabled  # the form cannot be sent for a computed metric
    assert tree_digest(data) == before


@pytest.mark.slow  # the full suite runs it; the quick suite keeps its budget
def test_an_editor_name_with_markdown_is_shown_as_typed(tmp_path, monkeypatch):
    prepare(tmp_path, monkeypatch)
    at = choose(log_in(page(), name="**Anna** [x](https://example.com)"))
    at.file_uploader(key="data_upload_file").upload("juni.csv", JUNE, "text/csv")
    at.run()
    at.button(key="data_upload_preview_save").click().run()
    captions = texts(at, "caption")
    assert any("\\*\\*Anna\\*\\* \\[x\\]\\(https\\://example\\.com\\)" in text for text in captions), captions
    assert not any("](https://" in text for text in captions)


def test_the_data_pages_history_says_1_ny_rad(tmp_path, monkeypatch):
    prepare(tmp_path, monkeypatch)
    at = choose(log_in(page()))
    at.file_uploader(key="data_upload_file").upload("juni.csv", JUNE, "text/csv")
    at.run()
    at.button(key="data_upload_preview_save").click().run()
    assert not at.exception
    assert texts(at, "success")[0] == "Sparat i metrics/communication.csv. Nya rader: 1, ändrade: 0, borttagna: 0."
    captions = [caption for caption in texts(at, "caption") if caption.startswith("Ångra återställer")]
    assert captions and captions[0].endswith("(1 ny rad, 0 ändrade rader och 0 borttagna rader).")
    assert not any("1 nya" in text for kind in ("caption", "success", "warning", "info") for text in texts(at, kind))


def test_quick_entry_date_is_typed_the_swedish_way_and_a_bad_one_saves_nothing(tmp_path, monkeypatch):
    data = prepare(tmp_path, monkeypatch)
    before = tree_digest(data)
    at = log_in(page())
    at.selectbox(key="data_quick_metric").set_value("stores_local_food_pct").run()
    assert at.text_input(key="data_quick_date").value == "2026-10-31"  # a text field, not an English calendar
    at.text_input(key="data_quick_date").input("31/13/2026")
    at.text_input(key="data_quick_value").input("62,5")
    at.button[[b.label for b in at.button].index("Förhandsgranska")].click().run()
    assert not at.exception
    assert "”31/13/2026” är inget datum. Skriv det som ÅÅÅÅ-MM-DD." in texts(at, "error")
    assert not [button for button in at.button if button.key == "data_quick_preview_save"]
    assert tree_digest(data) == before
    at.text_input(key="data_quick_date").input("20260930")  # ÅÅÅÅMMDD is read too
    at.button[[b.label for b in at.button].index("Förhandsgranska")].click().run()
    at.button(key="data_quick_preview_save").click().run()
    assert "stores_local_food_pct;2026-09-30;62,5" in (data / "metrics" / "manual.csv").read_text(encoding="utf-8-sig")


def test_the_administrator_hands_a_member_their_own_data(tmp_path, monkeypatch):
    """Issue 25 item 14 in the app: the export is offered as two downloads, logged, and leaves no
    copy of the member's data in the data folder."""
    data = prepare(tmp_path, monkeypatch, fixture="registers")
    at = log_in(page())
    assert not at.exception, at.exception
    at.text_input(key="data_export_member").input("M01").run()
    at.button(key="data_export").click().run()
    assert not at.exception, at.exception
    downloads = [element for element in at.get("download_button")]
    assert [element.proto.label for element in downloads] == [
        "Ladda ner registerutdrag-M01.json",
        "Ladda ner registerutdrag-M01.txt",
    ]
    assert "export" in (data / "changelog.csv").read_text(encoding="utf-8")
    assert not list(data.rglob("registerutdrag-*"))  # nothing left beside the data
