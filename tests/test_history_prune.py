"""Retention of data/.history/: old copies go, the recent ones, the last N of each file and the one
the next undo needs stay (``kpi history prune``)."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.cli import main
from kpi.read.targets import load_config
from kpi.write import files as write_files
from kpi.write import imports, store
from tests.support import FIXTURES, TODAY

TARGETS = FIXTURES / "basic" / "targets.yaml"
COMMUNICATION = write_files.DataFile("metrics", "communication")


def _saves(data, monkeypatch, times: list[dt.datetime]) -> None:
    config = load_config(TARGETS)
    for index, when in enumerate(times):
        monkeypatch.setattr(store, "_now", lambda when=when: when)
        upload = f"metric;date;value\nsocial_followers;2026-{index % 12 + 1:02d}-28;{11000 + index}\n".encode()
        preview = imports.preview_upload(data, config, COMMUNICATION, upload, "m.csv", today=TODAY)
        assert store.save_preview(data, preview, editor="Anna", config=config, today=TODAY).saved


def _copies(data) -> list[str]:
    return sorted(p.name for p in (data / store.HISTORY_DIR).rglob("*.csv"))


@pytest.mark.slow
def test_prune_keeps_recent_versions_and_the_last_of_each_file(data, monkeypatch):
    old = dt.datetime(2026, 3, 1, 9)
    _saves(data, monkeypatch, [old + dt.timedelta(days=i) for i in range(4)] + [dt.datetime(2026, 11, 20, 9)] * 2)
    monkeypatch.setattr(store, "_now", lambda: dt.datetime(2026, 11, 23, 12))
    copies = _copies(data)
    assert len(copies) == 6
    dry = store.prune_history(data, days=90, keep=3, dry_run=True)
    assert len(dry.removed) == 3 and _copies(data) == copies  # a dry run removes nothing
    pruned = store.prune_history(data, days=90, keep=3)
    assert [path.rsplit("/", 1)[-1] for path in pruned.removed] == copies[:3] and pruned.kept == 3
    assert _copies(data) == copies[3:]
    # undo still walks back through every kept copy, then says which copy is gone
    for _ in range(3):
        assert store.undo_last(data, "Bo").saved
    assert store.undo_last(data, "Bo").problems[0].code == "store_history_missing"


def test_prune_never_removes_what_the_next_undo_needs(data, monkeypatch):
    _saves(data, monkeypatch, [dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 1, 6, 9)])
    monkeypatch.setattr(store, "_now", lambda: dt.datetime(2026, 1, 7, 9))
    assert store.undo_last(data, "Bo").saved  # the next undo is now the first save's: its copy is needed
    monkeypatch.setattr(store, "_now", lambda: dt.datetime(2026, 11, 23, 12))
    needed = store.undoable(data).history
    pruned = store.prune_history(data, days=0, keep=1)
    assert len(pruned.removed) == 1 and needed not in pruned.removed
    assert (data / needed).is_file() and store.undo_last(data, "Bo").saved


@pytest.mark.slow
def test_kpi_history_prune_on_the_command_line(data, monkeypatch, capsys):
    _saves(data, monkeypatch, [dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 1, 6, 9), dt.datetime(2026, 1, 7, 9)])
    monkeypatch.setattr(store, "_now", lambda: dt.datetime(2026, 11, 23, 12).astimezone())  # as clock.now()
    args = ["history", "prune", "--data", str(data), "--keep", "1", "--lang", "en"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr()
    assert len(out.out.splitlines()) == 2 and "Dry run: 2 versions would be removed" in out.err
    assert main(args) == 0
    assert "2 old versions removed" in capsys.readouterr().err and len(_copies(data)) == 1
    assert main(["history", "prune", "--data", str(data), "--keep", "0"]) == 2
