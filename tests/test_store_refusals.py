"""Saves refuse cleanly and leave nothing behind: a read-only folder, symbolic links in data/."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from kpi.read.targets import load_config
from kpi.write import atomic, imports, store
from kpi.write import files as write_files
from tests.support import FIXTURES, TODAY, tree_digest

TARGETS = FIXTURES / "basic" / "targets.yaml"
COMMUNICATION = write_files.DataFile("metrics", "communication")
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


def test_a_board_pack_on_a_read_only_folder_or_through_a_link_is_a_message(tmp_path, monkeypatch):
    from kpi.model.problems import DataError
    from kpi.read.load import load_dataset
    from kpi.write import packs
    from tests.support import d, project_fixture

    data, targets = project_fixture(tmp_path / "fx")
    dataset = load_dataset(data, targets)
    before = tree_digest(data)

    def read_only(path: Path, payload: bytes, **kwargs) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(packs, "atomic_write", read_only)
    with pytest.raises(DataError) as caught:
        packs.save_pack(dataset, d("2026-06-30"), {}, "Anna")
    assert [p.format("en") for p in caught.value.problems] == [
        "snapshots/2026-06-30.json: the file could not be written (Read-only file system); the previous version "
        "is still there, unchanged"
    ]
    assert tree_digest(data) == before
    monkeypatch.undo()

    outside = tmp_path / "outside"
    outside.mkdir()
    folder = data / packs.SNAPSHOT_FOLDER
    if folder.exists():
        shutil.rmtree(folder)
    folder.symlink_to(outside, target_is_directory=True)
    with pytest.raises(DataError) as caught:
        packs.save_pack(dataset, d("2026-06-30"), {}, "Anna")
    assert caught.value.problems[0].code == "store_symlink" and caught.value.problems[0].file == "snapshots"
    assert list(outside.iterdir()) == []
