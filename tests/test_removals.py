"""The monthly update cannot remove rows without saying so twice: merge by default, replace confirmed."""

from __future__ import annotations

import datetime as dt

from kpi.cli import main
from kpi.read.targets import load_config
from kpi.write import files as write_files
from kpi.write import imports, store
from tests.support import FIXTURES, tree_digest

TODAY = dt.date(2026, 11, 23)
TARGETS = FIXTURES / "basic" / "targets.yaml"
JUNE = b"metric;date;value\nsocial_followers;2026-06-30;10500\nnewsletter_subscribers;2026-06-30;7050\n"


def _import(data, upload, *extra: str) -> int:
    return main(
        ["import", str(upload), "--into", "metrics/communication.csv", "--data", str(data), "--targets", str(TARGETS)]
        + ["--lang", "en", "--editor", "Anna", *extra]
    )


def test_the_command_line_merges_by_default(data, tmp_path, capsys):
    upload = tmp_path / "juni.csv"
    upload.write_bytes(JUNE)
    assert _import(data, upload) == 0
    out = capsys.readouterr().out
    assert "Rows added: 2, changed: 0, removed: 0" in out
    assert [change.removed for change in store.read_changelog(data)] == [0]


def test_replace_that_removes_rows_needs_allow_removals(data, tmp_path, capsys):
    upload = tmp_path / "juni.csv"
    upload.write_bytes(JUNE)
    before = tree_digest(data)
    assert _import(data, upload, "--mode", "replace", "--dry-run") == 0
    assert "Saving removes 6 rows: add --allow-removals to save anyway." in capsys.readouterr().out
    assert _import(data, upload, "--mode", "replace") == 1
    err = capsys.readouterr().err
    assert (
        "data/metrics/communication.csv: saving would remove 6 rows that are not in the upload; confirm the removal"
        in err
    )
    assert "--mode replace --allow-removals" in err and "Traceback" not in err
    assert tree_digest(data) == before
    assert _import(data, upload, "--mode", "replace", "--allow-removals") == 0
    assert [change.removed for change in store.read_changelog(data)] == [6]


def test_the_library_refuses_unconfirmed_removals(data):
    config = load_config(TARGETS)
    target = write_files.parse_data_file("metrics/communication.csv")
    before = tree_digest(data)
    merged = imports.preview_upload(data, config, target, JUNE, "juni.csv", today=TODAY)
    assert merged.mode == "merge" and merged.removals == 0
    replaced = imports.preview_upload(data, config, target, JUNE, "juni.csv", today=TODAY, mode="replace")
    assert replaced.clean and replaced.removals == 6
    refused = store.save_preview(data, replaced, editor="Anna", config=config, today=TODAY)
    assert not refused.saved and [p.code for p in refused.problems] == ["store_removals_unconfirmed"]
    assert tree_digest(data) == before
    assert store.save_preview(data, replaced, editor="Anna", config=config, today=TODAY, allow_removals=True).saved
