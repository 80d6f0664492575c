"""Other tools' exports recognised by their content, read into our rows, previewed and saved.

Fixtures are built here to the shapes the tools export (issue 23): Meta Business Suite's UTF-16 LE
CSV with a BOM and a ``sep=,`` line, LinkedIn's binary ``.xls`` (made by LibreOffice from a
workbook written here), Mailchimp's ZIP of three CSVs. Every expected value is worked out by hand
in the test's comment. The data folder is a copy of tests/fixtures/basic with three follower goals
added to its targets.yaml.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kpi import clock
from kpi.cli import main
from kpi.read.targets import load_config
from kpi.write import sources, store
from tests.support import tree_digest

FOLLOWER_GOALS = """
  - id: followers_facebook
    name: {sv: Följare på Facebook, en: Facebook followers}
    area: communication
    unit: followers
    min: 0
    targets: [{date: 2026-12-31, value: 5000}]
  - id: followers_instagram
    name: {sv: Följare på Instagram, en: Instagram followers}
    area: communication
    unit: followers
    min: 0
    targets: [{date: 2026-12-31, value: 5000}]
  - id: followers_linkedin
    name: {sv: Följare på LinkedIn, en: LinkedIn followers}
    area: communication
    unit: followers
    min: 0
    targets: [{date: 2026-12-31, value: 3000}]
"""

# November 2026, days with new follows only: 23 of 30 (2, 9, 14, 16, 21, 25 and 28 had none).
# Every day 3 new follows, except 10 on 1 November and 5 on 30 November: 21*3 + 10 + 5 = 78.
NOVEMBER = [1, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 15, 17, 18, 19, 20, 22, 23, 24, 26, 27, 29, 30]
NEW_FOLLOWS = {day: 10 if day == 1 else 5 if day == 30 else 3 for day in NOVEMBER}

PEOPLE = [
    ("anna.andersson@gardsbutik.example", "Anna", "Andersson"),
    ("bo.berg@mejeri.example", "Bo", "Berg"),
    ("cecilia.ceder@bryggeri.example", "Cecilia", "Ceder"),
    ("david.dahl@bageri.example", "David", "Dahl"),
    ("eva.ek@odling.example", "Eva", "Ek"),
]
LEFT = [("fredrik.falk@example.org", "Fredrik", "Falk")]
CLEANED = [("gammal.adress@example.net", "", "")]


@pytest.fixture
def folder(copy_fixture, monkeypatch):
    monkeypatch.delenv("KPI_EDITOR_PASSWORD", raising=False)
    data, targets = copy_fixture("basic")
    targets.write_text(targets.read_text(encoding="utf-8").rstrip("\n") + "\n" + FOLLOWER_GOALS, encoding="utf-8")
    on(dt.date(2026, 12, 2), monkeypatch)
    return data, targets


def on(day: dt.date, monkeypatch) -> None:
    monkeypatch.setenv(clock.ENV, day.isoformat())
    clock.set_today(day)


def meta_export(title: str = "Facebook follows", days: dict[int, int] | None = None, month: int = 11) -> str:
    lines = ["sep=,", f'"{title}"', '"Date","Primary"']
    for day, count in (days if days is not None else NEW_FOLLOWS).items():
        lines.append(f'"2026-{month:02d}-{day:02d}T00:00:00","{count}"')
    return "\r\n".join(lines) + "\r\n"


def meta_file(tmp_path: Path, text: str | None = None, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((text or meta_export()).encode("utf-16"))  # UTF-16 LE with a BOM, as Meta writes it
    return path


def mailchimp_zip(path: Path, people=PEOPLE) -> Path:
    header = '"Email Address","First Name","Last Name",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LAST_CHANGED,LEID,EUID,NOTES,TAGS'
    unsub_header = header + ",UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON,UNSUB_REASON_OTHER"
    clean_header = header + ",CLEAN_TIME,CLEAN_CAMPAIGN_TITLE,CLEAN_CAMPAIGN_ID"

    def csv_text(head: str, rows, extra: str) -> str:
        lines = [head]
        for index, (mail, first, last) in enumerate(rows):
            lines.append(
                f'"{mail}","{first}","{last}",2,"2026-04-18 13:51:14",,"2026-04-18 13:52:01",,'
                f'"2026-04-18 13:52:01",{100 + index},abc{index},,""{extra}'
            )
        return "\n".join(lines) + "\n"

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subscribed_email_audience_export_5f2a9c.csv", csv_text(header, people, ""))
        archive.writestr(
            "unsubscribed_email_audience_export_5f2a9c.csv",
            csv_text(unsub_header, LEFT, ',"2026-09-01 08:00:00",Höstbrev,77,NORMAL,'),
        )
        archive.writestr(
            "cleaned_email_audience_export_5f2a9c.csv", csv_text(clean_header, CLEANED, ',"2026-10-01 08:00:00",,')
        )
    return path


def communication(data: Path) -> str:
    return (data / "metrics" / "communication.csv").read_text(encoding="utf-8-sig")


def run(folder, *args: str) -> int:
    data, targets = folder
    return main(["import", *args, "--data", str(data), "--targets", str(targets), "--lang", "sv"])


# --- recognising ----------------------------------------------------------------------------------


def test_each_format_is_recognised_by_its_content_not_its_name(tmp_path):
    meta = meta_file(tmp_path, name="surely-not-meta.xlsx").read_bytes()
    mailchimp = mailchimp_zip(tmp_path / "audience.csv").read_bytes()
    assert sources.recognise(meta) is sources.FORMATS["meta_followers"]
    assert sources.recognise(mailchimp) is sources.FORMATS["mailchimp_audience"]
    assert sources.recognise(b"metric;date;value\nnewsletter_subscribers;2026-10-31;7000\n") is None
    assert sources.recognise("metric;date;value\n".encode("utf-16")) is None


def test_meta_export_without_an_earlier_total_asks_for_one_and_changes_nothing(folder, tmp_path, capsys):
    data, _ = folder
    before = tree_digest(data)
    assert run(folder, str(meta_file(tmp_path))) == 1
    out, err = capsys.readouterr()
    assert "Meta Business Suite: nya följare på Facebook, 1–30 nov. 2026, 23 dagar" in out
    assert "followers_facebook" in err and "2026-10-31" in err and "--start" in err
    assert tree_digest(data) == before


def test_meta_export_dry_run_prints_the_month_end_total(folder, tmp_path, capsys):
    data, _ = folder
    before = tree_digest(data)
    # 4 000 on 31 October (--start) + 78 new follows in November = 4 078 on 30 November.
    assert run(folder, str(meta_file(tmp_path)), "--start", "4000", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Meta Business Suite: nya följare på Facebook, 1–30 nov. 2026, 23 dagar" in out
    assert "Rader som skulle skrivas till metrics/communication.csv:" in out
    assert 'followers_facebook,2026-11-30,4078,,"Meta Business Suite, export"' in out
    assert tree_digest(data) == before


def test_meta_export_adds_to_the_last_saved_total_and_leaves_earlier_months(folder, tmp_path, capsys):
    data, _ = folder
    path = data / "metrics" / "communication.csv"
    path.write_text(communication(data) + "followers_facebook,2026-10-31,3990,,Meta\n", encoding="utf-8")
    assert run(folder, str(meta_file(tmp_path))) == 0
    text = communication(data)
    # 3 990 (31 October, saved) + 78 = 4 068 on 30 November; October's row is as it was.
    assert "followers_facebook,2026-10-31,3990,,Meta\n" in text
    assert 'followers_facebook,2026-11-30,4068,,"Meta Business Suite, export"' in text
    assert store.undo_last(data, "test").saved
    assert "2026-11-30" not in communication(data)


def test_a_file_over_two_months_writes_each_month_end_and_the_last_day_of_an_open_month(
    folder, tmp_path, capsys, monkeypatch
):
    on(dt.date(2026, 11, 23), monkeypatch)
    # 28–31 October: 2 a day (8); 1–20 November as above: 16 days, 10 on the 1st + 15*3 = 55.
    october = {28: 2, 29: 2, 30: 2, 31: 2}
    november = {day: count for day, count in NEW_FOLLOWS.items() if day <= 20}
    assert sum(november.values()) == 10 + 15 * 3
    lines = meta_export("Instagram follows", october, month=10).splitlines()
    lines += meta_export("Instagram follows", november).splitlines()[3:]
    path = tmp_path / "ig.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    assert run(folder, str(path), "--start", "900", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Instagram, 28 okt.–20 nov. 2026, 20 dagar" in out
    # 900 + 8 = 908 on 31 October; 908 + 55 = 963 on 20 November (the file's last day: the month is open).
    assert 'followers_instagram,2026-10-31,908,,"Meta Business Suite, export"' in out
    assert 'followers_instagram,2026-11-20,963,,"Meta Business Suite, export"' in out


def test_meta_export_resaved_by_excel_as_utf8_with_semicolons_is_still_read(folder, tmp_path, capsys):
    # Excel drops the sep= line, writes semicolons, UTF-8 with BOM and its own date-times.
    lines = ["Facebook follows", "Date;Primary"]
    lines += [f"2026-11-{day:02d} 00:00;{count}" for day, count in NEW_FOLLOWS.items()]
    path = tmp_path / "resaved.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    assert run(folder, str(path), "--start", "4000", "--dry-run") == 0
    assert "followers_facebook,2026-11-30,4078," in capsys.readouterr().out


def test_meta_export_resaved_with_day_first_dates_names_the_row_and_changes_nothing(folder, tmp_path, capsys):
    data, _ = folder
    before = tree_digest(data)
    lines = ["Facebook follows", "Date;Primary", "2026-11-01 00:00;10", "03/11/2026 00:00;3"]
    path = tmp_path / "resaved.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    assert run(folder, str(path), "--start", "4000") == 1
    err = capsys.readouterr().err
    assert "resaved.csv:4:Date: ”03/11/2026 00:00” är inget datum som ÅÅÅÅ-MM-DD" in err
    assert tree_digest(data) == before


def test_meta_export_with_a_wrong_header_quotes_it(folder, tmp_path, capsys):
    text = meta_export().replace('"Date","Primary"', '"Datum","Antal"')
    assert run(folder, str(meta_file(tmp_path, text)), "--start", "1") == 1
    assert "export.csv:3: rubrikraden ska vara ”Date”, ”Primary”" in capsys.readouterr().err


# --- Mailchimp ------------------------------------------------------------------------------------


def test_mailchimp_audience_writes_only_the_count(folder, tmp_path, capsys):
    data, _ = folder
    zipped = mailchimp_zip(tmp_path / "members_export_5f2a9c.zip")
    assert run(folder, str(zipped), "--date", "2026-11-30", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Mailchimp: 5 prenumeranter den 30 nov. 2026 (bara antalet sparas" in out
    assert 'newsletter_subscribers,2026-11-30,5,,"Mailchimp, export"' in out


def test_no_address_or_name_from_a_mailchimp_export_is_stored_after_import_and_undo(folder, tmp_path, capsys):
    data, _ = folder
    zipped = mailchimp_zip(tmp_path / "audience.zip")
    assert run(folder, str(zipped), "--date", "2026-11-30") == 0
    assert "newsletter_subscribers,2026-11-30,5," in communication(data)
    assert store.undo_last(data, "test").saved
    personal = [part for person in PEOPLE + LEFT + CLEANED for part in person if part]
    for path in data.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for text in personal:
                assert text.encode("utf-8") not in content, f"{text} in {path}"
    # nothing was left in the temporary folder either
    assert not list(Path(tmp_path).glob("**/*5f2a9c*")) or all(
        p.name.endswith(".zip") for p in Path(tmp_path).glob("**/*5f2a9c*")
    )


def test_a_truncated_mailchimp_zip_is_named_and_changes_nothing(folder, tmp_path, capsys):
    data, _ = folder
    before = tree_digest(data)
    whole = mailchimp_zip(tmp_path / "audience.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    assert run(folder, str(cut), "--date", "2026-11-30") == 1
    err = capsys.readouterr().err
    assert "cut.zip: Mailchimp-exporten kan inte läsas (ZIP-filen är skadad eller avkortad" in err
    assert tree_digest(data) == before


def test_an_unknown_file_without_into_is_a_usage_error(folder, tmp_path, capsys):
    path = tmp_path / "notes.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    assert run(folder, str(path)) == 2
    assert "--into" in capsys.readouterr().err


def test_our_own_csv_dry_run_prints_the_rows(folder, tmp_path, capsys):
    path = tmp_path / "mine.csv"
    path.write_text("metric;date;value\nnewsletter_subscribers;2026-10-31;7000\n", encoding="utf-8")
    assert run(folder, str(path), "--into", "metrics/communication.csv", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "newsletter_subscribers,2026-10-31,7000,," in out


# --- LinkedIn (a real .xls made by LibreOffice) -------------------------------------------------


def linkedin_xls(tmp_path: Path, sheet: str = "New followers") -> Path:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    book = openpyxl.Workbook()
    first = book.active
    first.title = sheet
    first.append(["Date", "Sponsored followers", "Organic followers", "Auto-invited followers", "Total followers"])
    # 1–30 November 2026, every day: 1 organic; 2 more organic on the 15th; 1 sponsored on the 30th.
    for day in range(1, 31):
        organic = 3 if day == 15 else 1
        sponsored = 1 if day == 30 else 0
        first.append([f"11/{day:02d}/2026", sponsored, organic, 0, sponsored + organic])
    location = book.create_sheet("Location")
    location.append(["Location", "Total followers"])
    location.append(["Stockholm, Sweden", 812])
    source = tmp_path / "linkedin.xlsx"
    book.save(source)
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return tmp_path / "linkedin.xls"


@pytest.mark.slow
def test_linkedin_xls_adds_the_months_new_followers(folder, tmp_path, capsys):
    xls = linkedin_xls(tmp_path)
    assert xls.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    # 2 000 (--start) + 30 days of 1 + 2 more on the 15th + 1 sponsored on the 30th = 2 033.
    assert run(folder, str(xls), "--start", "2000", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "LinkedIn: nya följare (bladet ”New followers”), 1–30 nov. 2026, 30 dagar" in out
    assert 'followers_linkedin,2026-11-30,2033,,"LinkedIn, export"' in out


@pytest.mark.slow
def test_linkedin_xls_with_the_sheet_renamed_is_read_by_its_columns_and_says_which(folder, tmp_path, capsys):
    xls = linkedin_xls(tmp_path, sheet="Blad1")
    assert run(folder, str(xls), "--start", "2000", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "(bladet ”Blad1”)" in out and "followers_linkedin,2026-11-30,2033," in out


def test_the_formats_registry_names_a_title_in_both_languages():
    for fmt in sources.FORMATS.values():
        assert fmt.title("sv") and fmt.title("en") and fmt.title("sv") != fmt.title("en")


def test_month_end_totals_by_hand():
    daily = [(dt.date(2026, 1, 30), 1.0), (dt.date(2026, 2, 1), 2.0), (dt.date(2026, 3, 3), 4.0)]
    assert sources.month_end_totals(daily, 10, dt.date(2026, 12, 31)) == [
        (dt.date(2026, 1, 31), 11.0),
        (dt.date(2026, 2, 28), 13.0),
        (dt.date(2026, 3, 31), 17.0),
    ]
    assert sources.month_end_totals(daily, 10, dt.date(2026, 3, 10))[-1] == (dt.date(2026, 3, 3), 17.0)


def test_a_config_without_the_goal_says_so(tmp_path):
    config = load_config(Path(__file__).parent / "fixtures" / "basic" / "targets.yaml")
    found = sources.read_export(
        meta_file(tmp_path).read_bytes(), "fb.csv", config, tmp_path, dt.date(2026, 12, 2), sources.Options(start=1)
    )
    assert found is not None and [p.code for p in found.problems] == ["source_no_metric"]
    assert io is not None


# --- the Data page ----------------------------------------------------------------------------------

PASSWORD = "Rödbeta-2026"


def data_page(folder, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from kpi.write import auth
    from tests.support import ROOT

    data, targets = folder
    monkeypatch.setenv("KPI_DATA_DIR", str(data))
    monkeypatch.setenv("KPI_TARGETS", str(targets))
    monkeypatch.setenv(auth.ENV, PASSWORD)
    auth.CLIENT_THROTTLES.reset()
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=30).run()
    at.text_input(key="data_login_name").input("Anna")
    at.text_input(key="data_login_password").input(PASSWORD)
    at.main.button[0].click().run()
    return at


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_the_data_page_recognises_a_meta_export_asks_for_the_start_saves_and_undoes(folder, tmp_path, monkeypatch):
    data, _ = folder
    original = (data / "metrics" / "communication.csv").read_bytes()
    at = data_page(folder, monkeypatch)
    at.file_uploader(key="data_upload_file").upload("export.csv", meta_file(tmp_path).read_bytes(), "text/csv")
    at.run()
    assert not at.exception
    assert at.info[0].value == "Meta Business Suite: nya följare på Facebook, 1–30 nov. 2026, 23 dagar"
    at.number_input(key="data_upload_start").set_value(4000).run()
    assert not at.exception
    assert {metric.label: metric.value for metric in at.metric} == {
        "Nya rader": "1",
        "Ändrade rader": "0",
        "Borttagna rader": "0",
    }
    at.button(key="data_upload_preview_save").click().run()
    assert not at.exception
    assert 'followers_facebook,2026-11-30,4078,,"Meta Business Suite, export"' in communication(data)
    at.button(key="data_undo").click().run()
    assert (data / "metrics" / "communication.csv").read_bytes() == original


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_the_data_page_saves_a_mailchimp_count_and_nothing_personal(folder, tmp_path, monkeypatch):
    data, _ = folder
    at = data_page(folder, monkeypatch)
    zipped = mailchimp_zip(tmp_path / "audience.zip").read_bytes()
    at.file_uploader(key="data_upload_file").upload("audience.zip", zipped, "application/zip")
    at.run()
    assert not at.exception
    assert at.info[0].value.startswith("Mailchimp: 5 prenumeranter den 2 dec. 2026 (bara antalet sparas")
    at.button(key="data_upload_preview_save").click().run()
    assert "newsletter_subscribers,2026-12-02,5," in communication(data)
    for path in data.rglob("*"):
        if path.is_file():
            for mail, _first, _last in PEOPLE:
                assert mail.encode() not in path.read_bytes()


# --- a hidden first sheet (issue 25, item 11) -------------------------------------------------------


def hidden_first_sheet(only_hidden: bool = False) -> bytes:
    book = openpyxl.Workbook()
    old = book.active
    old.title = "Gammal"
    old.append(["metric", "date", "value"])
    old.append(["newsletter_subscribers", "2026-05-31", "1"])  # stale figures nobody sees
    old.sheet_state = "hidden"
    june = book.create_sheet("Juni")
    june.append(["metric", "date", "value"])
    june.append(["newsletter_subscribers", "2026-06-30", "7000"])
    book.active = 1
    buffer = io.BytesIO()
    book.save(buffer)
    if not only_hidden:
        return buffer.getvalue()
    # openpyxl will not write a workbook without a visible sheet; Excel's files can say so anyway.
    patched = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                content = re.sub(
                    rb'(<sheet [^>]*name="Juni"[^>]*?)(/?>)',
                    rb'\1 state="hidden"\2',
                    content.replace(b' state="visible"', b""),
                )
            target.writestr(item, content)
    return patched.getvalue()


def test_a_hidden_first_sheet_is_not_read_the_visible_one_is_and_is_named(folder, tmp_path, capsys):
    path = tmp_path / "bok.xlsx"
    path.write_bytes(hidden_first_sheet())
    assert run(folder, str(path), "--into", "metrics/communication.csv", "--dry-run") == 0
    out, err = capsys.readouterr()
    assert "Läste bladet ”Juni”." in err
    assert "newsletter_subscribers,2026-06-30,7000,," in out and "2026-05-31,1," not in out


def test_a_hidden_sheet_is_read_only_when_named(folder, tmp_path, capsys):
    path = tmp_path / "bok.xlsx"
    path.write_bytes(hidden_first_sheet())
    assert run(folder, str(path), "--into", "metrics/communication.csv", "--sheet", "Gammal", "--dry-run") == 0
    assert "Läste bladet ”Gammal”." in capsys.readouterr().err
    path.write_bytes(hidden_first_sheet(only_hidden=True))
    assert run(folder, str(path), "--into", "metrics/communication.csv", "--dry-run") == 1
    assert "arbetsboken har bara dolda blad (Gammal, Juni)" in capsys.readouterr().err


def test_day_first_dates_with_slashes_are_read_in_files_and_saved_as_iso(folder, tmp_path, capsys):
    data, _ = folder
    path = tmp_path / "juni.csv"
    path.write_text("metric;date;value\nnewsletter_subscribers;30/06/2026;7050\n", encoding="utf-8")
    assert run(folder, str(path), "--into", "metrics/communication.csv") == 0
    assert "newsletter_subscribers,2026-06-30,7050," in communication(data)


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_the_data_page_reads_the_visible_sheet_of_a_workbook_with_a_hidden_first_one(folder, monkeypatch):
    at = data_page(folder, monkeypatch)
    box = at.selectbox(key="data_upload_target")
    box.select_index(box.options.index("metrics/communication.csv")).run()
    at.file_uploader(key="data_upload_file").upload("bok.xlsx", hidden_first_sheet(), "application/vnd.ms-excel")
    at.run()
    assert not at.exception
    assert at.selectbox(key="data_upload_sheet").value == "Juni"
    assert {metric.label: metric.value for metric in at.metric}["Nya rader"] == "1"
    assert at.session_state["data_upload_preview"].sheet == "Juni"


# --- messages in the user's words (item 5) ----------------------------------------------------------


def test_a_goals_swedish_or_english_name_is_read_as_its_id(folder, tmp_path, capsys):
    data, _ = folder
    path = tmp_path / "juni.csv"
    path.write_text(
        "metric;date;value\nPrenumeranter på nyhetsbrevet;2026-06-30;7050\nsocial media followers;2026-06-30;10500\n",
        encoding="utf-8",
    )
    assert run(folder, str(path), "--into", "metrics/communication.csv") == 0
    err = capsys.readouterr().err
    assert (
        "juni.csv:2:metric: varning: ”Prenumeranter på nyhetsbrevet” är målets namn; läses som id:t newsletter_subscribers"
        in err
    )
    text = communication(data)
    assert "newsletter_subscribers,2026-06-30,7050," in text and "social_followers,2026-06-30,10500," in text


def test_an_unknown_id_suggests_the_closest_and_changes_nothing(folder, tmp_path, capsys):
    data, _ = folder
    before = tree_digest(data)
    path = tmp_path / "juni.csv"
    path.write_text("metric;date;value\nnewsletter_subscriber;2026-06-30;7050\n", encoding="utf-8")
    assert run(folder, str(path), "--into", "metrics/communication.csv") == 1
    err = capsys.readouterr().err
    assert (
        "juni.csv:2:metric: ”newsletter_subscriber” är inget mätetal i targets.yaml; menade du newsletter_subscribers?"
        in err
    )
    assert tree_digest(data) == before


def test_one_day_is_said_in_the_singular(folder, tmp_path):
    data, targets = folder
    text = meta_export(days={3: 2})
    found = sources.read_export(
        text.encode("utf-16"), "fb.csv", load_config(targets), data, dt.date(2026, 12, 2), sources.Options(start=10)
    )
    assert found is not None
    assert found.describe("sv") == "Meta Business Suite: nya följare på Facebook, 3 nov. 2026, 1 dag"
    assert found.describe("en") == "Meta Business Suite: new followers on Facebook, 3 Nov 2026, 1 day"


# --- member lists -----------------------------------------------------------------------------------


def test_a_member_list_is_merged_into_members_by_member_number(copy_fixture, tmp_path, capsys):
    data, targets = copy_fixture("registers")
    before = tree_digest(data)
    # M02 renamed; M06 left on 2026-10-31 (a validity end before today, 2026-11-23); M07's validity
    # runs to the end of the year (still a member); M99 is new (no category yet: the list has none).
    listing = tmp_path / "medlemmar.csv"
    listing.write_text(
        "Medlemsnummer;Företagsnamn;Orgnummer;Kommun;Giltig från;Giltig till\n"
        "M02;Mejeriet i Flen AB;556000-0002;Flen;2020-01-15;\n"
        "M06;Restaurang Åsen;556000-0006;Katrineholm;2026-01-20;2026-10-31\n"
        "M07;Hotell Sörmland;556000-0007;Strängnäs;2026-03-05;2026-12-31\n",
        encoding="utf-8",
    )
    common = ["--data", str(data), "--targets", str(targets), "--lang", "sv"]
    assert main(["import", str(listing), "--dry-run", *common]) == 0
    out = capsys.readouterr().out
    assert (
        "Medlemslista: 3 medlemmar, varav 0 nya, 1 som har slutat och 1 med nytt namn (matchade på medlemsnummer)"
        in out
    )
    assert "M02;Mejeriet i Flen AB;processor;Flen;2020-01-15;;;yes;nej" in out
    assert "M06;Restaurang Åsen;restaurant;Katrineholm;2026-01-20;2026-10-31;;;" in out
    assert "M07;Hotell Sörmland;hospitality;Strängnäs;2026-03-05;;;no;" not in out  # unchanged: not a fresh row
    assert tree_digest(data) == before


def test_a_new_member_without_a_category_is_named_and_nothing_changes(copy_fixture, tmp_path, capsys):
    data, targets = copy_fixture("registers")
    before = tree_digest(data)
    listing = tmp_path / "medlemmar.csv"
    listing.write_text(
        "Medlemsnummer;Företagsnamn;Kommun;Giltig från;Giltig till\nM99;Nya gården;Flen;2026-11-01;\n",
        encoding="utf-8",
    )
    common = ["--data", str(data), "--targets", str(targets), "--lang", "sv"]
    assert main(["import", str(listing), *common]) == 1
    err = capsys.readouterr().err
    assert "category" in err
    assert tree_digest(data) == before
