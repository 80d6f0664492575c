"""Uploads and edits become previews judged by the loader's own rules; nothing is written here.

Every expectation is worked out by hand from tests/fixtures/basic (communication.csv holds
newsletter_subscribers 6300/6550/6900 and social_followers 10100/10250/10400 at 2026-01-31,
03-31, 05-31; organisation.csv is the wide, Windows-1252, CRLF file).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil

import openpyxl
import pandas as pd
import pytest

from kpi.model.problems import DataError
from kpi.read.load import load_dataset
from kpi.read.targets import load_config
from kpi.write import diff as diffs
from kpi.write import imports, store
from kpi.write import upload as uploads
from kpi.write.diff import diff
from kpi.write.files import DataFile, parse_data_file
from tests.support import FIXTURES, TODAY, tree_digest

BASIC = FIXTURES / "basic"
COMMUNICATION = DataFile("metrics", "communication")
ORGANISATION = DataFile("metrics", "organisation")


@pytest.fixture(scope="module")
def config():
    return load_config(BASIC / "targets.yaml")


def messages(preview) -> list[str]:
    return [problem.format("en") for problem in preview.problems]


def workbook(
    *sheets: tuple[str, list[list]], formats: dict[str, str] | None = None, text: dict[str, str] | None = None
) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    first = book.worksheets[0]
    for ref, number_format in (formats or {}).items():
        first[ref].number_format = number_format
    for ref, value in (text or {}).items():
        first[ref].value = value
        first[ref].data_type = "s"  # a text cell that starts with "=", as Excel stores '=...
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- targets and names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, relpath",
    [
        ("metrics/communication.csv", "metrics/communication.csv"),
        ("metrics/manual-2026_q1.csv", "metrics/manual-2026_q1.csv"),
        ("members", "members.csv"),
        ("agreements.csv", "agreements.csv"),
        ("activities", "activities.csv"),
        ("milestones", "milestones.csv"),
    ],
)
def test_targets_that_may_be_written(text, relpath):
    assert parse_data_file(text).relpath == relpath


@pytest.mark.parametrize(
    "text",
    [
        "metrics/../targets.yaml",
        "../members.csv",
        "/etc/passwd",
        "metrics/Nov.csv",
        "metrics/a b.csv",
        "metrics/x.xlsx",
        "metrics/.hidden.csv",
        "changelog",
        "data/metrics/x.csv",
        "metrics/x/y.csv",
        "",
        "metrics/" + "a" * 65 + ".csv",
    ],
)
def test_anything_else_is_refused(text):
    with pytest.raises(DataError) as caught:
        parse_data_file(text)
    assert caught.value.problems[0].code == "import_bad_target"


def test_uploaded_names_are_only_shown_never_used_as_paths(data, config):
    for hostile, shown in (
        ("../../targets.yaml", "targets.yaml"),
        ("C:\\Users\\anna\\nov.csv", "nov.csv"),
        ("/etc/passwd", "passwd"),
        ("\x1b[31mröd.csv", "[31mröd.csv"),
        ("", "upload"),
    ):
        assert uploads.display_name(hostile) == shown
    before = tree_digest(data.parent)
    preview = imports.preview_upload(
        data,
        config,
        COMMUNICATION,
        b"metric;date;value\nsocial_followers;2026-06-30;1\n",
        "../../../metrics/evil.csv",
        today=TODAY,
    )
    assert preview.source_label == "evil.csv"
    assert preview.label == "data/metrics/communication.csv"  # the chosen target, whatever the name said
    assert tree_digest(data.parent) == before


# --- reading CSV the way Swedish Excel saves it ------------------------------------------------------


def test_swedish_excel_csv_cp1252_with_decimal_comma_and_nbsp(data, config):
    upload = "metric;date;value;note\r\nnewsletter_subscribers;2026-06-30;7\xa0050;Sommarkampanj på gång\r\n".encode(
        "cp1252"
    )
    preview = imports.preview_upload(
        data, config, COMMUNICATION, upload, "Nyhetsbrev juni.csv", today=TODAY, mode="merge"
    )
    assert preview.problems == [] and preview.clean
    assert preview.diff.counts == (1, 0, 0)
    added = preview.diff.added.iloc[0]
    assert (added["metric"], added["date"], added["value"], added["note"]) == (
        "newsletter_subscribers",
        "2026-06-30",
        "7050",
        "Sommarkampanj på gång",
    )
    # Written in the current file's dialect (",", LF), UTF-8 with BOM; the number in the file's own
    # form (no grouping), the note as typed.
    assert preview.data.startswith(b"\xef\xbb\xbfmetric,date,value,note,source\n")
    assert preview.data.endswith("newsletter_subscribers,2026-06-30,7050,Sommarkampanj på gång,\n".encode())


def test_replace_mode_diff_counts_removed_rows(data, config):
    upload = b"metric;date;value\nnewsletter_subscribers;2026-01-31;6300\nnewsletter_subscribers;2026-03-31;6555\n"
    preview = imports.preview_upload(data, config, COMMUNICATION, upload, "x.csv", today=TODAY, mode="replace")
    # The upload has no source column, so both kept rows lose "Mailchimp"; 6550 -> 6555 too;
    # 05-31 and the three social_followers rows are removed.
    assert preview.diff.counts == (0, 2, 4)
    changed = preview.diff.changed
    assert changed.to_dict("records") == [
        {
            "metric": "newsletter_subscribers",
            "date": "2026-01-31",
            "column": "source",
            "before": "Mailchimp",
            "after": "",
        },
        {
            "metric": "newsletter_subscribers",
            "date": "2026-03-31",
            "column": "value",
            "before": "6550",
            "after": "6555",
        },
        {
            "metric": "newsletter_subscribers",
            "date": "2026-03-31",
            "column": "source",
            "before": "Mailchimp",
            "after": "",
        },
    ]
    assert preview.clean and preview.removals == 4


def test_identical_upload_is_unchanged_and_not_offered_for_saving(data, config):
    same = (data / "metrics" / "communication.csv").read_bytes()
    preview = imports.preview_upload(data, config, COMMUNICATION, same, "communication.csv", today=TODAY)
    assert preview.unchanged and not preview.clean


def test_row_numbers_are_the_files_even_with_blank_lines(data, config):
    upload = b"metric;date;value\n\nsocial_followers;2026-06-30;10500\n\nsocial_followers;2026-07-31;tio\n"
    preview = imports.preview_upload(data, config, COMMUNICATION, upload, "x.csv", today=TODAY, mode="merge")
    assert messages(preview) == ['x.csv:5:value: "tio" is not a number']


def test_limits_on_size_and_rows(data, config):
    small = imports.preview_upload(data, config, COMMUNICATION, b"x" * 101, "big.csv", today=TODAY, max_bytes=100)
    assert messages(small) == [
        "big.csv: the file is larger than the limit of 1 MB (it is about 1 MB); split it or remove old rows"
    ]
    rows = "metric;date;value\n" + "social_followers;2026-06-30;1\n" * 4
    many = imports.preview_upload(data, config, COMMUNICATION, rows.encode(), "many.csv", today=TODAY, max_rows=3)
    assert messages(many) == ["many.csv: the file has more than 3 rows"]
    sheet = workbook(("Blad1", [["metric", "date", "value"]] + [["social_followers", "2026-06-30", 1]] * 4))
    many_xlsx = imports.preview_upload(data, config, COMMUNICATION, sheet, "many.xlsx", today=TODAY, max_rows=3)
    assert messages(many_xlsx) == ["many.xlsx: the file has more than 3 rows"]


# --- XLSX ---------------------------------------------------------------------------------------------


def test_xlsx_values_dates_and_percent_cells(data, config):
    book = workbook(
        (
            "Blad1",
            [
                ["Metric", "Date", "Value", "Note"],
                ["newsletter_subscribers", dt.datetime(2026, 6, 30), 7050, "juni"],
                [],
                ["stores_local_food_pct", dt.date(2026, 6, 30), 0.625, None],
                ["social_followers", "2026-06-30", 10500.0, None],
            ],
        ),
        formats={"C4": "0.0%"},
    )
    preview = imports.preview_upload(data, config, COMMUNICATION, book, "juni.xlsx", today=TODAY, mode="replace")
    assert preview.problems == []
    rows = preview.rows[["metric", "value", "row"]].to_dict("records")
    # 0.625 shown as 62,5 % is read as 62.5 (percent metrics are 0-100); the empty sheet row 3 is skipped
    # and the rows keep the sheet's numbers.
    assert rows == [
        {"metric": "newsletter_subscribers", "value": 7050.0, "row": 2},
        {"metric": "stores_local_food_pct", "value": 62.5, "row": 4},
        {"metric": "social_followers", "value": 10500.0, "row": 5},
    ]
    assert preview.data.decode("utf-8-sig") == (
        "metric,date,value,note\nnewsletter_subscribers,2026-06-30,7050,juni\n"
        "stores_local_food_pct,2026-06-30,62.5,\nsocial_followers,2026-06-30,10500,\n"
    )


def test_xlsx_first_sheet_unless_one_is_chosen(data, config):
    book = workbook(
        ("Maj", [["metric", "date", "value"], ["social_followers", "2026-05-31", 10400]]),
        ("Juni", [["metric", "date", "value"], ["social_followers", "2026-06-30", 10500]]),
    )
    first = imports.preview_upload(data, config, COMMUNICATION, book, "b.xlsx", today=TODAY, mode="merge")
    assert first.sheets == ["Maj", "Juni"] and first.sheet == "Maj" and first.unchanged  # 10400 is already there
    june = imports.preview_upload(data, config, COMMUNICATION, book, "b.xlsx", today=TODAY, mode="merge", sheet="Juni")
    assert june.sheet == "Juni" and june.diff.counts == (1, 0, 0)
    missing = imports.preview_upload(data, config, COMMUNICATION, book, "b.xlsx", today=TODAY, sheet="Juli")
    assert messages(missing) == ['b.xlsx: there is no sheet "Juli"; the sheets are Maj, Juni']


def test_xlsx_formulas_are_never_calculated(data, config):
    book = workbook(("Blad1", [["metric", "date", "value"], ["social_followers", "2026-06-30", "=10000+500"]]))
    preview = imports.preview_upload(data, config, COMMUNICATION, book, "f.xlsx", today=TODAY)
    assert messages(preview) == [
        "f.xlsx:2:value: the cell holds a formula (=10000+500); formulas are never "
        "calculated here. Copy the column and paste it as values (Paste Special → Values)"
    ]
    assert preview.data is None


def test_formula_like_text_is_kept_as_inert_text(data, config):
    """A note that Excel would run (=, +, -, @) is stored with an apostrophe; -5 stays a number."""
    book = workbook(
        (
            "Blad1",
            [
                ["metric", "date", "value", "note"],
                ["social_followers", "2026-06-30", 10500, None],
                ["costs_sek", "2026-06-30", -5, "@kansliet"],
            ],
        ),
        text={"D2": '=HYPERLINK("http://x.example","klicka")'},
    )
    preview = imports.preview_upload(data, config, COMMUNICATION, book, "t.xlsx", today=TODAY, mode="merge")
    assert [p.code for p in preview.problems] == ["import_formula_text", "import_formula_text"]
    assert preview.problems[0].format("en") == (
        't.xlsx:2:note: warning: "=HYPERLINK("http://x.example","klicka")" starts with = and is saved as text '
        "with an apostrophe in front, so that Excel does not run it as a formula"
    )
    text = preview.data.decode("utf-8-sig")
    assert 'social_followers,2026-06-30,10500,"\'=HYPERLINK(""http://x.example"",""klicka"")",' in text
    assert "costs_sek,2026-06-30,-5,'@kansliet," in text
    assert preview.clean


# --- strictness: what the loader would ignore is an error in new rows --------------------------------


def test_new_rows_that_would_be_ignored_are_errors(data, config):
    upload = (
        b"metric;date;value\nnyhetsbrev;2026-06-30;7050\nsocial_followers;2026-06-30;1\nsocial_followers;2026-06-30;2\n"
    )
    preview = imports.preview_upload(data, config, COMMUNICATION, upload, "u.csv", today=TODAY, mode="merge")
    assert messages(preview) == [
        'u.csv:2:metric: "nyhetsbrev" is not a metric in targets.yaml; check the spelling of the id',
        "u.csv:4:date: social_followers 2026-06-30 also appears at u.csv:3; keep only one of the rows",
    ]
    assert not preview.clean


def test_old_warnings_stay_warnings_when_adding_a_good_row(data, config):
    path = data / "metrics" / "communication.csv"
    path.write_bytes(path.read_bytes() + b"nyhetsbrev,2026-01-31,1,,\n")
    upload = b"metric;date;value\nsocial_followers;2026-06-30;10500\n"
    preview = imports.preview_upload(data, config, COMMUNICATION, upload, "u.csv", today=TODAY, mode="merge")
    assert messages(preview) == [
        'data/metrics/communication.csv:8:metric: warning: "nyhetsbrev" is not a metric '
        "in targets.yaml; the row is not counted"
    ]
    assert preview.clean


# --- merging into the wide layout and quick entry ----------------------------------------------------


def test_merge_into_wide_file_updates_cells_and_keeps_the_rest(data, config):
    upload = b"date;office_fte\n2026-04-30;2,5\n2026-06-30;3\n"
    preview = imports.preview_upload(data, config, ORGANISATION, upload, "fte.csv", today=TODAY, mode="merge")
    assert preview.problems == [] and preview.diff.counts == (1, 1, 0)
    text = preview.data.decode("utf-8")
    # Semicolons and CRLF as before; the 1 050 (no-break space, once Windows-1252) survives as typed.
    assert text == (
        "\ufeffdate;trainings;costs_sek;office_fte\r\n2026-02-15;1;;\r\n2026-03-31;;1\u00a0050;1,5\r\n"
        "2026-04-30;;;2,5\r\n2026-05-20;1;;\r\n2026-09-01;1;;\r\n2026-06-30;;;3\r\n"
    )


def test_merge_needs_the_key_columns(data, config):
    preview = imports.preview_upload(
        data, config, COMMUNICATION, b"date;social_followers\n2026-06-30;1\n", "w.csv", today=TODAY, mode="merge"
    )
    assert messages(preview) == [
        "w.csv:1: the file lacks the key columns metric, date needed to add and update rows "
        '(found: date, social_followers); choose "Replace the whole file" or use the same columns'
    ]


def test_quick_entry_creates_manual_csv(data, config):
    preview = imports.preview_quick_entry(
        data,
        config,
        imports.MANUAL,
        "newsletter_subscribers",
        dt.date(2026, 10, 31),
        "7 100",
        "Oktober",
        source_label="quick entry",
        today=TODAY,
    )
    assert preview.expected_sha256 is None and preview.clean and preview.diff.counts == (1, 0, 0)
    assert preview.data == "\ufeffmetric;date;value;note\nnewsletter_subscribers;2026-10-31;7100;Oktober\n".encode()


def test_quick_entry_in_wide_file_and_correction(data, config):
    added = imports.preview_quick_entry(
        data,
        config,
        ORGANISATION,
        "office_fte",
        "2026-10-31",
        "2,5",
        "ignored",
        source_label="quick entry",
        today=TODAY,
    )
    assert added.diff.counts == (1, 0, 0)
    assert added.data.decode("utf-8").endswith("2026-10-31;;;2,5\r\n")
    corrected = imports.preview_quick_entry(
        data,
        config,
        COMMUNICATION,
        "newsletter_subscribers",
        "2026-05-31",
        "6950",
        None,
        source_label="quick entry",
        today=TODAY,
    )
    assert corrected.diff.counts == (0, 1, 0)
    bad = imports.preview_quick_entry(
        data,
        config,
        COMMUNICATION,
        "newsletter_subscribers",
        "2026-05-31",
        "sex",
        None,
        source_label="snabbinmatning",
        today=TODAY,
    )
    assert messages(bad) == ['snabbinmatning:2:value: "sex" is not a number']


def test_suggested_file_and_default_date(data, config):
    dataset = load_dataset(data, BASIC / "targets.yaml", today=TODAY)
    assert imports.suggested_file(dataset, "office_fte") == ORGANISATION
    assert imports.suggested_file(dataset, "stores_local_food_pct") == imports.MANUAL  # no value yet
    assert imports.default_entry_date(dt.date(2026, 11, 23)) == dt.date(2026, 10, 31)
    assert imports.default_entry_date(dt.date(2026, 3, 1)) == dt.date(2026, 2, 28)


def test_edit_preview_from_a_data_editor_frame(data, config):
    current = imports.read_current(data, COMMUNICATION, config, TODAY)
    frame = current.table.frame()
    frame.loc[0, "value"] = "6301"
    frame = frame.drop(index=5)
    frame.loc[len(frame) + 10] = ["social_followers", "2026-07-31", "10600", None, None]
    frame.loc[len(frame) + 11] = [None] * 5  # a row added and left empty is dropped
    preview = imports.preview_edit(data, config, COMMUNICATION, frame, current, source_label="editor", today=TODAY)
    assert preview.problems == [] and preview.diff.counts == (1, 1, 1)
    assert preview.expected_sha256 == current.sha256


# --- the diff itself -------------------------------------------------------------------------------------


def test_diff_by_key_hand_computed():
    before = pd.DataFrame(
        {"metric": ["a", "b", "c"], "date": ["2026-01-31"] * 3, "value": [1.0, 2.0, 3.0], "row": [2, 3, 4]}
    )
    after = pd.DataFrame({"metric": ["a", "b", "d"], "date": ["2026-01-31"] * 3, "value": [1, 5, 4], "row": [9, 8, 7]})
    result = diff(before, after, ("metric", "date"))
    assert result.counts == (1, 1, 1)
    assert result.added[["metric", "value"]].values.tolist() == [["d", "4"]]
    assert result.removed[["metric", "value"]].values.tolist() == [["c", "3"]]
    assert result.changed.to_dict("records") == [
        {"metric": "b", "date": "2026-01-31", "column": "value", "before": "2", "after": "5"}
    ]


def test_comparable_treats_equal_values_as_equal():
    assert {diffs.comparable(v) for v in (6300, 6300.0, "6300", " 6300 ")} == {"6300"}
    assert {diffs.comparable(v) for v in (None, float("nan"), pd.NA, pd.NaT, "")} == {""}
    assert diffs.comparable(pd.Timestamp("2026-06-30")) == diffs.comparable(dt.date(2026, 6, 30)) == "2026-06-30"


# --- the round trip: what is previewed is what the loader reads back ---------------------------------


def test_saved_file_reads_back_exactly_as_previewed(data, config):
    tricky = [
        ["social_followers", "2026-06-30", "10\u00a0500", 'Citat "så här"; med semikolon'],
        ["newsletter_subscribers", "2026-06-30", "7050,5", "  inledande blanksteg"],
        ["newsletter_subscribers", "2026-07-31", "7100", "två\nrader"],
        ["newsletter_subscribers", "2026-08-31", "7150", "Ærø, Łódź, 東京 – ok"],
    ]
    columns = ["metric", "date", "value", "note"]
    # The existing file (",", LF) and a new one (";"), the new one a year earlier so no metric+date repeats.
    for target, year in ((COMMUNICATION, "2026"), (DataFile("metrics", "new_file"), "2025")):
        frame = pd.DataFrame([[m, year + d[4:], v, n] for m, d, v, n in tricky], columns=columns)
        current = imports.read_current(data, target, config, TODAY)
        preview = imports.preview_edit(data, config, target, frame, current, source_label="e", today=TODAY)
        assert preview.clean, messages(preview)
        saved = store.save_preview(data, preview, editor="test", config=config, today=TODAY, allow_removals=True)
        assert saved.saved
        again = imports.read_current(data, target, config, TODAY)
        assert again.data == preview.data
        assert (
            again.rows[columns].map(diffs.comparable).values.tolist()
            == preview.rows[columns].map(diffs.comparable).values.tolist()
        )
        assert again.rows["note"].tolist() == [row[3] for row in tricky]
    dataset = load_dataset(data, BASIC / "targets.yaml", today=TODAY)
    assert not [p for p in dataset.problems if p.severity == "error"]
    assert list(dataset.series["newsletter_subscribers"].values) == [7050.5, 7100.0, 7150.0] * 2
    assert list(dataset.series["social_followers"].values) == [10500.0, 10500.0]


def test_merge_adds_a_column_only_when_the_upload_fills_it(data, config):
    plain = DataFile("metrics", "plain")
    plain.path(data).write_bytes(b"metric;date;value\nsocial_followers;2026-01-31;1\n")
    without = imports.preview_quick_entry(
        data, config, plain, "social_followers", "2026-02-28", "2", None, source_label="q", today=TODAY
    )
    assert (
        without.data == b"\xef\xbb\xbfmetric;date;value\nsocial_followers;2026-01-31;1\nsocial_followers;2026-02-28;2\n"
    )
    with_note = imports.preview_quick_entry(
        data, config, plain, "social_followers", "2026-02-28", "2", "hej", source_label="q", today=TODAY
    )
    assert (
        with_note.data
        == (
            "\ufeffmetric;date;value;note\nsocial_followers;2026-01-31;1;\nsocial_followers;2026-02-28;2;hej\n"
        ).encode()
    )


def test_add_and_update_rows_in_a_register(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES / "registers" / "data", folder)
    config = load_config(FIXTURES / "registers" / "targets.yaml")
    members = DataFile("members", "members")
    exists = imports.preview_rows(
        folder,
        config,
        members,
        ["member_id", "name", "category", "kommun", "joined"],
        [["M02", "Dubblett", "retail", "Flen", dt.date(2026, 1, 1)]],
        source_label="form",
        today=TODAY,
        mode="add",
    )
    assert messages(exists) == [
        'form:2:member_id: "M02" is already in the file (row 3); choose another id or change the row under Edit'
    ]
    missing = imports.preview_rows(
        folder,
        config,
        members,
        ["member_id", "left", "leave_reason"],
        [["M77", dt.date(2026, 10, 31), "closed"]],
        source_label="form",
        today=TODAY,
        mode="update",
    )
    assert messages(missing) == ['form:2:member_id: "M77" is not in the file']
    leaver = imports.preview_rows(
        folder,
        config,
        members,
        ["member_id", "left", "leave_reason"],
        [["M02", dt.date(2026, 10, 31), "closed"]],
        source_label="form",
        today=TODAY,
        mode="update",
    )
    assert leaver.clean and leaver.diff.counts == (0, 1, 0)
    assert sorted(leaver.diff.changed["column"]) == ["leave_reason", "left"]
    assert imports.active_members(leaver.rows)[:1] == [("M01", "Gårdsbutiken Ekhaga")]
    assert "M02" not in [member_id for member_id, _ in imports.active_members(leaver.rows)]
    assert imports.next_member_id(leaver.rows) == "M10"  # the fixture's ids are M01 … M09
    assert imports.next_member_id(None) == "M001"


def test_a_value_already_in_another_file_is_an_error(data, config):
    """The loader keeps only one of two equal metric+date rows in different files: say where it is."""
    upload = b"metric;date;value\nsocial_followers;2026-05-31;10450\nsocial_followers;2026-06-30;10500\n"
    preview = imports.preview_upload(data, config, imports.MANUAL, upload, "juni.csv", today=TODAY, mode="replace")
    assert messages(preview) == [
        "juni.csv:2:date: social_followers 2026-05-31 is already in "
        "data/metrics/communication.csv:7; update that file instead, otherwise only one of "
        "the values counts"
    ]


def test_invisible_characters_are_cleaned_from_notes_and_named_elsewhere(data, config):
    upload = 'metric;date;value;note\nnewsletter_subscribers;2026-06-30;7050;"ju\u200bni\x13 – två\nrader"\n'.encode()
    preview = imports.preview_upload(data, config, COMMUNICATION, upload, "n.csv", today=TODAY)
    assert preview.problems == [] and preview.clean
    assert preview.table.rows[-1][3] == "juni – två\nrader"  # newlines in a note are kept
    swedish = imports.preview_upload(
        data,
        config,
        COMMUNICATION,
        b"metric;date;value\nnewsletter_subscribers;2026-06-30;70\xc2\xad50\n",
        "n.csv",
        today=TODAY,
    )
    assert [p.format("sv") for p in swedish.problems] == [
        "n.csv:2:value: ”70·50” innehåller det osynliga tecknet U+00AD (mjukt bindestreck), som ändrar värdet "
        "utan att synas; skriv om cellen för hand i Excel"
    ]


def test_numbers_are_saved_in_the_files_own_form(data, config):
    """ "7 245" (no-break space) and "63,5" next to "7100" in a comma file: saved as 7245 and 63.5."""
    upload = (
        "metric;date;value;note\n"
        "newsletter_subscribers;2026-06-30;7\u00a0245;sju tusen, ungefär\n"
        "stores_local_food_pct;2026-06-30;63,5 %;\n"
    ).encode("utf-8")
    preview = imports.preview_upload(data, config, COMMUNICATION, upload, "u.csv", today=TODAY)
    assert preview.clean, messages(preview)
    lines = preview.data.decode("utf-8-sig").splitlines()
    assert lines[-2:] == [
        'newsletter_subscribers,2026-06-30,7245,"sju tusen, ungefär",',
        "stores_local_food_pct,2026-06-30,63.5,,",
    ]
    assert uploads.canonical_number("1\u202f234,5", ";") == "1234,5" and uploads.canonical_number("x", ";") == "x"


def test_a_sheet_full_of_problems_is_read_only_up_to_a_bound(data, config):
    rows = [["metric", "date", "value"]] + [["social_followers", "2026-06-30", f"=A{i}+1"] for i in range(2, 1002)]
    book = workbook(("Blad1", rows))
    preview = imports.preview_upload(data, config, COMMUNICATION, book, "many.xlsx", today=TODAY)
    found = messages(preview)
    assert len(found) == uploads.MAX_CELL_PROBLEMS + 1
    assert (
        found[-1]
        == f"many.xlsx:{uploads.MAX_CELL_PROBLEMS + 2}: reading stopped after the first 200 problems, and there are 800 more; fix them and upload again"
    )
