"""Crash safety: a save that dies at any point leaves the old file whole and loadable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kpi.read.load import load_dataset
from kpi.read.targets import load_config
from kpi.write import atomic, imports, store
from kpi.write.files import DataFile
from tests.support import FIXTURES, ROOT, TODAY

BASIC = FIXTURES / "basic"
TARGETS = BASIC / "targets.yaml"
COMMUNICATION = DataFile("metrics", "communication")
JUNE = b"metric;date;value\nsocial_followers;2026-06-30;10500\n"


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_new_and_existing_files_keep_sensible_modes(tmp_path):
    new = tmp_path / "sub" / "new.csv"
    atomic.atomic_write(new, b"a;b\n")
    assert new.read_bytes() == b"a;b\n" and (new.stat().st_mode & 0o777) == 0o644
    private = tmp_path / "private.csv"
    private.write_bytes(b"old")
    private.chmod(0o600)
    atomic.atomic_write(private, b"new")
    assert private.read_bytes() == b"new" and (private.stat().st_mode & 0o777) == 0o600
    assert temp_files(tmp_path) == [] and temp_files(tmp_path / "sub") == []


def test_failing_replace_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "x.csv"
    path.write_bytes(b"old")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken)
    with pytest.raises(OSError):
        atomic.atomic_write(path, b"new")
    assert path.read_bytes() == b"old" and temp_files(tmp_path) == []


def test_save_failing_before_replace_is_a_message_not_a_half_file(data, monkeypatch):
    config = load_config(TARGETS)
    path = data / "metrics" / "communication.csv"
    old = path.read_bytes()
    preview = imports.preview_upload(data, config, COMMUNICATION, JUNE, "juni.csv", today=TODAY, mode="merge")

    def fail(temp: Path, final: Path) -> None:
        if final == path:
            assert temp.read_bytes() == preview.data  # fully written and fsynced before the swap
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic, "_before_replace", fail)
    result = store.save_preview(data, preview, editor="Anna", config=config, today=TODAY)
    assert not result.saved
    assert result.problems[0].format("en") == (
        "data/metrics/communication.csv: the file could not be written "
        "(Input/output error); the previous version is still there, unchanged"
    )
    assert path.read_bytes() == old and temp_files(path.parent) == []
    assert not (data / "changelog.csv").exists()
    assert load_dataset(data, TARGETS, today=TODAY).problems == []


KILLED_SAVE = textwrap.dedent("""
    import datetime as dt, sys, time
    from pathlib import Path
    from kpi.write import atomic, imports, store
    from kpi.write import files as write_files
    from kpi.read.targets import load_config

    data, targets, marker = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    config = load_config(targets)
    upload = b"metric;date;value\\nsocial_followers;2026-06-30;10500\\n"
    preview = imports.preview_upload(data, config, write_files.DataFile("metrics", "communication"), upload, "juni.csv",
                                     today=dt.date(2026, 11, 23), mode="merge")

    def pause(temp, final):
        if final == data / "metrics" / "communication.csv":  # not the backup copy written before it
            marker.write_text(str(temp))
            time.sleep(60)  # killed here: the new file is written, not yet swapped in

    atomic._before_replace = pause
    store.save_preview(data, preview, editor="Anna", config=config)
""")


@pytest.mark.slow
def test_process_killed_between_writing_and_replacing(data, tmp_path):
    path = data / "metrics" / "communication.csv"
    old = path.read_bytes()
    series_before = load_dataset(data, TARGETS, today=TODAY).series["social_followers"].values.tolist()
    marker = tmp_path / "paused"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KPI_EDITOR_PASSWORD", None)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_SAVE, str(data), str(TARGETS), str(marker)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), child.stderr.read().decode() if child.poll() is not None else "no pause reached"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)

    # The old file is intact; the finished temporary file is there but nobody mistakes it for data.
    assert path.read_bytes() == old
    leftover = Path(marker.read_text())
    assert leftover.exists() and leftover.name.startswith(".communication.csv.") and leftover.name.endswith(".tmp")
    dataset = load_dataset(data, TARGETS, today=TODAY)
    assert dataset.problems == [] and dataset.series["social_followers"].values.tolist() == series_before
    assert all(".tmp" not in info.label for info in dataset.files)
    assert not (data / "changelog.csv").exists()

    # The dead process's lock was released with it; the next save works and sweeps the leftover away.
    config = load_config(TARGETS)
    again = imports.preview_upload(data, config, COMMUNICATION, JUNE, "juni.csv", today=TODAY, mode="merge")
    result = store.save_preview(data, again, editor="Anna", config=config, today=TODAY)
    assert result.saved and not leftover.exists() and temp_files(path.parent) == []
    assert load_dataset(data, TARGETS, today=TODAY).series["social_followers"].values[-1] == 10500
