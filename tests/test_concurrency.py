"""Two people saving at once: exactly one stale preview wins, the other is told, nothing is lost."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from kpi.read.load import load_dataset
from kpi.read.targets import load_config
from kpi.write import imports, store
from kpi.write.files import DataFile
from tests.support import FIXTURES, TODAY

BASIC = FIXTURES / "basic"
TARGETS = BASIC / "targets.yaml"
COMMUNICATION = DataFile("metrics", "communication")
UPLOADS = {
    "Anna": b"metric;date;value\nsocial_followers;2026-06-30;10500\n",
    "Bo": b"metric;date;value\nnewsletter_subscribers;2026-06-30;7050\n",
}


def _previews(data: Path, config) -> dict:
    """Both previews made from the same file, before either is saved (each person's open page)."""
    return {
        name: imports.preview_upload(data, config, COMMUNICATION, upload, f"{name}.csv", today=TODAY, mode="merge")
        for name, upload in UPLOADS.items()
    }


def _check_one_winner(data: Path, previews: dict, results: dict) -> None:
    winners = [name for name, result in results.items() if result.saved]
    losers = [name for name, result in results.items() if not result.saved]
    assert len(winners) == 1 and len(losers) == 1
    [loser] = losers
    assert [p.code for p in results[loser].problems] == ["store_stale"]
    assert (data / "metrics" / "communication.csv").read_bytes() == previews[winners[0]].data
    log = store.read_changelog(data)
    assert [change.editor for change in log] == winners
    assert len(list((data / ".history").rglob("*.csv"))) == 1

    # Nothing is lost: the loser reloads (a fresh preview of the new file) and saves; both rows are kept.
    config = load_config(TARGETS)
    again = imports.preview_upload(
        data, config, COMMUNICATION, UPLOADS[loser], f"{loser}.csv", today=TODAY, mode="merge"
    )
    assert again.diff.counts == (1, 0, 0)
    assert store.save_preview(data, again, editor=loser, config=config, today=TODAY).saved
    series = load_dataset(data, TARGETS, today=TODAY).series
    assert series["social_followers"].values[-1] == 10500 and series["newsletter_subscribers"].values[-1] == 7050


@pytest.mark.slow  # the full suite runs it; the quick suite keeps its budget
def test_two_threads_from_stale_previews(data):
    config = load_config(TARGETS)
    previews = _previews(data, config)
    start = threading.Barrier(2)
    results: dict = {}

    def save(name: str) -> None:
        start.wait(timeout=30)
        results[name] = store.save_preview(data, previews[name], editor=name, config=config, today=TODAY)

    threads = [threading.Thread(target=save, args=(name,)) for name in previews]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    _check_one_winner(data, previews, results)


def _save_in_process(data: str, name: str, barrier, queue) -> None:
    try:
        config = load_config(TARGETS)
        preview = imports.preview_upload(
            Path(data), config, COMMUNICATION, UPLOADS[name], f"{name}.csv", today=TODAY, mode="merge"
        )
        barrier.wait(timeout=120)  # both previews exist before either saves (spawned imports are slow under load)
        result = store.save_preview(Path(data), preview, editor=name, config=config, today=TODAY)
        queue.put((name, result.saved, [p.code for p in result.problems], preview.data))
    except BaseException:  # report the worker's own failure instead of leaving the parent waiting on an empty queue
        import traceback

        queue.put((name, None, ["worker failed:\n" + traceback.format_exc()], b""))


@pytest.mark.slow
def test_two_processes_from_stale_previews(data):
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_save_in_process, args=(str(data), name, barrier, queue)) for name in UPLOADS]
    for worker in workers:
        worker.start()
    try:
        outcomes = [queue.get(timeout=240) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert [outcome for outcome in outcomes if outcome[1] is None] == []
    saved = [outcome for outcome in outcomes if outcome[1]]
    refused = [outcome for outcome in outcomes if not outcome[1]]
    assert len(saved) == 1 and len(refused) == 1 and refused[0][2] == ["store_stale"]
    assert (data / "metrics" / "communication.csv").read_bytes() == saved[0][3]
    assert [change.editor for change in store.read_changelog(data)] == [saved[0][0]]


def test_change_log_lines_never_interleave(data):
    """Saves of different files log at the same time; every line stays whole."""

    def change(index: int) -> store.LogEntry:
        return store.LogEntry(
            "2026-11-23T10:00:00+01:00",
            f"editor {index}",
            f"metrics/f{index}.csv",
            "save",
            index,
            0,
            0,
            "a" * 64,
            "b" * 64,
            'kommentar; med "citat" och\nradbrytning ' * 5,
            "",
            f"id{index}",
        )

    threads = [
        threading.Thread(target=lambda i=i: [store.append_changelog(data, change(i * 100 + k)) for k in range(10)])
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    log = store.read_changelog(data)
    assert len(log) == 80 and sorted(c.added for c in log) == sorted(i * 100 + k for i in range(8) for k in range(10))
    assert (data / "changelog.csv").read_bytes().count(b"\xef\xbb\xbf") == 1  # one header, one BOM
