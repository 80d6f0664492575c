"""A save killed at any step of its commit leaves data file, change log, history and undo agreeing.

Each case forks a process that saves and is killed (``os._exit``, no cleanup, like SIGKILL) at one
step: before the journal entry, between writing and renaming each of the three files the save
writes (journal entry, backup, data file), before and after the change-log line. The parent then
runs what the next start runs (``store.recover``) and checks the invariants, then undo.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from kpi.read.targets import load_config
from kpi.write import atomic, imports, store
from kpi.write import files as write_files
from tests.support import FIXTURES, TODAY

TARGETS = FIXTURES / "basic" / "targets.yaml"
COMMUNICATION = write_files.DataFile("metrics", "communication")
JUNE = b"metric;date;value\nsocial_followers;2026-06-30;10500\n"
# ("step", name) kills at a named step of the commit; ("rename", n) between writing and renaming
# the n-th file (1: journal entry, 2: backup, 3: data file).
POINTS = [
    ("step", "journal"),
    ("rename", 1),
    ("step", "history"),
    ("rename", 2),
    ("step", "replace"),
    ("rename", 3),
    ("step", "changelog"),
    ("step", "done"),
]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _killed_save(data: Path, point: tuple[str, object]) -> None:
    config = load_config(TARGETS)
    preview = imports.preview_upload(data, config, COMMUNICATION, JUNE, "juni.csv", today=TODAY)
    pid = os.fork()
    if pid == 0:  # the child: save, and die at the chosen point
        try:
            kind, where = point
            if kind == "step":
                store._crash_point = lambda name: os._exit(137) if name == where else None
            else:
                calls = {"n": 0}

                def before_replace(temp: Path, path: Path) -> None:
                    calls["n"] += 1
                    if calls["n"] == where:
                        os._exit(137)

                atomic._before_replace = before_replace
            store.save_preview(data, preview, editor="Anna", config=config, today=TODAY)
        finally:
            os._exit(0)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:  # pragma: no cover - a hung child
            os.kill(pid, 9)
            pytest.fail("the saving process hung")
        time.sleep(0.02)
    assert os.waitstatus_to_exitcode(status) == 137


def _files(data: Path) -> list[Path]:
    return [path for path in data.rglob("*") if path.is_file() and LOCKS not in path.parts]


LOCKS = store.LOCK_DIR


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS, ids=[f"{kind}-{where}" for kind, where in POINTS])
def test_a_kill_at_any_step_is_completed_or_rolled_back(data, point):
    path = data / "metrics" / "communication.csv"
    old = path.read_bytes()
    _killed_save(data, point)
    store.recover(data)  # what the next save or undo runs first

    now = path.read_bytes()
    log = store.read_changelog(data)
    backups = sorted((data / store.HISTORY_DIR).rglob("*.csv")) if (data / store.HISTORY_DIR).exists() else []
    assert not [p for p in _files(data) if p.name.endswith(".tmp")]  # no orphan temporary files
    assert not list((data / store.JOURNAL_DIR).glob("*")) if (data / store.JOURNAL_DIR).exists() else True
    if now == old:  # rolled back: no log line, no backup
        assert log == [] and backups == []
        assert store.undo_last(data, "Bo").problems[0].code == "store_nothing_to_undo"
    else:  # completed: one line, pointing at a backup of the old file
        [entry] = log
        assert entry.sha256_before == _sha(old) and entry.sha256_after == _sha(now)
        assert backups == [data / entry.history] and backups[0].read_bytes() == old
        assert b"social_followers,2026-06-30,10500" in now
        assert store.undo_last(data, "Bo").saved and path.read_bytes() == old
        assert [change.action for change in store.read_changelog(data)] == ["save", "undo"]


def test_a_save_after_a_killed_one_recovers_it_first(data):
    """No explicit recovery: the next save does it, and both saves end up in the log."""
    _killed_save(data, ("step", "changelog"))  # the file is replaced, its log line missing
    config = load_config(TARGETS)
    july = b"metric;date;value\nsocial_followers;2026-07-31;10600\n"
    preview = imports.preview_upload(data, config, COMMUNICATION, july, "juli.csv", today=TODAY)
    assert store.save_preview(data, preview, editor="Bo", config=config, today=TODAY).saved
    assert [change.editor for change in store.read_changelog(data)] == ["Anna", "Bo"]
    assert store.undo_last(data, "Bo").saved and store.undo_last(data, "Bo").saved
