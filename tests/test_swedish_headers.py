"""Swedish column names from Excel (mätetal, datum, värde, anteckning/kommentar, källa, the registers'
Swedish headers) are read as the English columns they mean, and saved with the English names."""

from __future__ import annotations

import datetime as dt

from kpi.read.tables import SWEDISH_HEADERS, normalise_header
from kpi.read.targets import load_config
from kpi.write import files as write_files
from kpi.write import imports, store

TODAY = dt.date(2026, 11, 23)


def test_a_swedish_monthly_sheet_is_merged_into_an_english_file(copy_fixture):
    data, targets = copy_fixture("basic")
    config = load_config(targets)
    target = write_files.parse_data_file("metrics/communication.csv")
    upload = "Mätetal;Datum;Värde;Kommentar;Källa\nsocial_followers;2026-06-30;10500;juni;Meta\n".encode("cp1252")
    preview = imports.preview_upload(data, config, target, upload, "juni.csv", today=TODAY)
    assert preview.problems == [] and preview.clean and preview.diff.counts == (1, 0, 0)
    assert store.save_preview(data, preview, editor="Anna", config=config, today=TODAY).saved
    saved = (data / "metrics" / "communication.csv").read_text(encoding="utf-8-sig").splitlines()
    assert saved[0] == "metric,date,value,note,source" and saved[-1] == "social_followers,2026-06-30,10500,juni,Meta"


def test_a_members_register_with_swedish_headers(copy_fixture):
    data, targets = copy_fixture("registers")
    config = load_config(targets)
    current = (data / "members.csv").read_bytes().decode("cp1252").splitlines()
    header = "Medlems-id;Namn;Kategori;Kommun;Inträde;Utträde;Utträdesorsak;Medlemssidorna;Ökad lönsamhet"
    upload = "\n".join([header, *current[1:]]).encode("cp1252")
    preview = imports.preview_upload(
        data, config, write_files.parse_data_file("members"), upload, "m.csv", today=TODAY, mode="replace"
    )
    assert preview.errors == [] and preview.unchanged


def test_every_swedish_name_means_one_column():
    assert normalise_header("  Klart   Senast ") == "due" and normalise_header("Klart") == "done"
    assert normalise_header("\ufeffMätetal") == "metric"
    assert all(normalise_header(name) == column for name, column in SWEDISH_HEADERS.items())
    assert not set(SWEDISH_HEADERS) & set(SWEDISH_HEADERS.values())
