"""Saves refuse cleanly and leave nothing behind: a read-only folder, symbolic links in data/."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from kpi.read.targets import load_config
from kpi.write import atomic, imports, store
from tests.support import FIXTURES, TODAY, tree_digest

TARGETS = FIXTURES / "basic" / "targets.yaml"
COMMUNICATION = imports.DataFile("metrics", "communication")
JUNE = b"metric;date;value\nsocial_followers;2026-06-30;10500\n"


def _save(data: Path) -> store.SaveResult:
    config = load_config(TARGETS)
    preview = imports.preview_upload(data, config, COMMUNICATION, JUNE, "juni.csv", today=TODAY)
    return store.save_preview(data, preview, editor="Anna", config=config, today=TODAY)


def test_a_read_only_metrics_folder_leaves_no_orphan_backup(data, monkeypatch):
    """Tests run as root, which ignores permissions: the file system's refusal is injected."""
    before = tree_digest(data)
    real = atomic.atomic_write

    def read_only(path: Path, payload: bytes, **kwargs) -> None:
        if Path(path).parent.name == "metrics":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        real(path, payload, **kwargs)

    monkeypatch.setattr(store, "atomic_write", read_only)
    result = _save(data)
    assert not result.saved
    assert [p.format("en") for p in result.problems] == [
        f"data/metrics/communication.csv: {result.problems[0].message('en')}"
    ]
    assert "Read-only file system" in result.problems[0].message("en")
    kept = {name: sha for name, sha in tree_digest(data).items() if not name.startswith(store.LOCK_DIR)}
    assert kept == before  # no backup, no journal entry, no temporary file: only the (empty) lock files are new


@pytest.mark.parametrize("name", [".history", ".locks", "changelog.csv", ".journal"])
def test_a_symlink_planted_in_the_data_folder_is_never_written_through(data, tmp_path, name):
    outside = tmp_path / "outside"
    outside.mkdir()
    link = data / name
    if name.endswith(".csv"):
        (outside / name).write_bytes(b"")
        link.symlink_to(outside / name)
    else:
        link.symlink_to(outside, target_is_directory=True)
    path = data / "metrics" / "communication.csv"
    old = path.read_bytes()
    result = _save(data)
    assert not result.saved and path.read_bytes() == old
    assert [p.format("en") for p in result.problems] == [
        f"data/{name}: is a symbolic link; Målbild never writes through a link (what is saved could land outside "
        "the data folder). Replace the link with an ordinary folder or file"
    ]
    assert [p.name for p in outside.rglob("*") if p.stat().st_size] == []
