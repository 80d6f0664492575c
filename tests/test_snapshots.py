"""Board packs: saved atomically, never overwritten by accident, read back with the numbers the
board saw, compared with later data, and unseen by the data loader."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from kpi.judge.explain import explanation, status_record
from kpi.judge.rules import evaluate_all
from kpi.model.problems import DataError
from kpi.read.load import load_dataset
from kpi.report import build
from kpi.report import content as reports
from kpi.show import packs as board_packs
from kpi.show.changes import change_line
from kpi.write import packs as snapshots
from tests.support import d, project_fixture, tree_digest


@pytest.fixture
def folder(tmp_path):
    data, targets = project_fixture(tmp_path / "fx")
    return data, targets


def load(folder):
    data, targets = folder
    return load_dataset(data, targets, today=d("2026-11-23"))


def test_save_writes_readable_indented_utf8_json(folder):
    dataset = load(folder)
    path = snapshots.save_pack(
        dataset, d("2026-06-30"), {"social_followers": "Kampanj i höst"}, "Anna", created=dt.datetime(2026, 7, 1, 9, 30)
    )
    assert path == folder[0] / "snapshots" / "2026-06-30.json"
    text = path.read_text(encoding="utf-8")
    assert "Kampanj i höst" in text and "\\u00f6" not in text  # UTF-8, not escaped
    assert text.startswith('{\n  "format": "malbild-board-pack"')
    document = json.loads(text)
    assert (document["meeting_date"], document["author"], document["created"]) == (
        "2026-06-30",
        "Anna",
        "2026-07-01T09:30:00",
    )
    records = {record["id"]: record for record in document["metrics"]}
    newsletter = records["newsletter_subscribers"]
    assert (newsletter["value"], newsletter["status"], newsletter["pace"]) == (6900, "on_track", 1.3016)
    assert newsletter["en"]["name"] == "Newsletter subscribers"
    # Only observations dated on or before the meeting are frozen (trainings on 2026-09-01 is not).
    assert [obs["date"] for obs in records["trainings"]["observations"]] == ["2026-02-15", "2026-05-20"]
    assert records["newsletter_subscribers"]["observations"][-1]["note"] == "Kampanj i maj"
    assert records["social_followers"]["comment"] == "Kampanj i höst"
    assert [name for name in path.parent.iterdir()] == [path]  # no temporary file left behind
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_an_existing_pack_is_not_overwritten_unless_asked(folder):
    dataset = load(folder)
    path = snapshots.save_pack(dataset, d("2026-06-30"), {}, "Anna")
    before = path.read_bytes()
    with pytest.raises(snapshots.PackExistsError) as caught:
        snapshots.save_pack(dataset, d("2026-06-30"), {"trainings": "x"}, "Bo")
    assert "2026-06-30" in caught.value.problems[0].message("sv")
    assert path.read_bytes() == before
    snapshots.save_pack(dataset, d("2026-06-30"), {"trainings": "Två till i höst"}, "Bo", replace=True)
    assert board_packs.load_pack(path).comments == {"trainings": "Två till i höst"}


def test_two_simultaneous_saves_one_wins_the_other_is_told(folder):
    dataset = load(folder)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def save(author: str) -> None:
        barrier.wait(timeout=10)
        try:
            snapshots.save_pack(dataset, d("2026-06-30"), {}, author)
            outcomes.append("saved")
        except snapshots.PackExistsError:
            outcomes.append("exists")

    threads = [threading.Thread(target=save, args=(name,)) for name in ("Anna", "Bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["exists", "saved"]
    assert json.loads((folder[0] / "snapshots" / "2026-06-30.json").read_text(encoding="utf-8"))["author"] in (
        "Anna",
        "Bo",
    )


def test_comments_must_name_known_metrics(folder):
    dataset = load(folder)
    with pytest.raises(DataError) as caught:
        snapshots.save_pack(dataset, d("2026-06-30"), {"no_such_metric": "x"}, "")
    assert caught.value.problems[0].code == "reports_unknown_metric"
    assert not (folder[0] / "snapshots").exists() or not list((folder[0] / "snapshots").iterdir())


def test_load_pack_gives_the_statuses_of_the_meeting(folder):
    dataset = load(folder)
    snapshots.save_pack(dataset, d("2026-06-30"), {}, "")
    pack = board_packs.find_pack(folder[0], d("2026-06-30"))
    live = evaluate_all(dataset.config, dataset.series, d("2026-06-30"))
    assert [status_record(item, "en") for item in pack.statuses] == [status_record(item, "en") for item in live]
    assert list(pack.dataset.observations("newsletter_subscribers")["value"]) == [6300, 6550, 6900]


def test_snapshots_do_not_disturb_loading(folder):
    dataset = load(folder)
    snapshots.save_pack(dataset, d("2026-03-31"), {}, "")
    snapshots.save_pack(dataset, d("2026-06-30"), {}, "")
    again = load(folder)
    assert [p.format("en") for p in again.problems] == [p.format("en") for p in dataset.problems]
    assert [info.label for info in again.files] == [info.label for info in dataset.files]
    assert again.series.keys() == dataset.series.keys()


def test_list_latest_and_missing(folder):
    dataset = load(folder)
    for day in ("2026-03-31", "2026-06-30"):
        snapshots.save_pack(dataset, d(day), {}, "")
    (folder[0] / "snapshots" / "notes.txt").write_text("not a pack", encoding="utf-8")
    assert [info.meeting_date for info in board_packs.list_packs(folder[0])] == [d("2026-03-31"), d("2026-06-30")]
    assert board_packs.latest_pack(folder[0]).meeting_date == d("2026-06-30")
    # "Since the last meeting" on the day of a meeting means the meeting before.
    assert board_packs.latest_pack(folder[0], before=d("2026-06-30")).meeting_date == d("2026-03-31")
    assert board_packs.latest_pack(folder[0], before=d("2026-03-31")) is None
    with pytest.raises(DataError) as caught:
        board_packs.find_pack(folder[0], d("2026-05-01"))
    assert "2026-03-31, 2026-06-30" in caught.value.problems[0].message("en")


def test_a_broken_pack_is_reported_not_fatal(folder):
    dataset = load(folder)
    snapshots.save_pack(dataset, d("2026-03-31"), {}, "")
    (folder[0] / "snapshots" / "2026-06-30.json").write_text("{not json", encoding="utf-8")
    entries, problems = board_packs.pack_history(folder[0])
    assert [entry.pack.meeting_date for entry in entries] == [d("2026-03-31")]
    assert problems[0].code == "reports_pack_broken" and problems[0].file == "snapshots/2026-06-30.json"
    assert board_packs.latest_pack(folder[0]).meeting_date == d("2026-03-31")


def test_changes_since_the_last_pack(folder):
    """The pack of 2026-03-31 against 2026-06-30, worked out from the fixture's files:

    newsletter 6 550 → 6 900 (+350), both on track; followers 10 250 → 10 400 (+150), both off
    track; trainings 1 → 2 this year (+1), both at risk; office 1,5 → 2 (+0,5), off track →
    reached; the KISMET action plan (due 2026-04-30, not done) on track → off track. Costs
    (1 050), the other milestones and the metric without data do not change.
    """
    dataset = load(folder)
    snapshots.save_pack(dataset, d("2026-03-31"), {}, "")
    pack = board_packs.latest_pack(folder[0])
    later = evaluate_all(dataset.config, dataset.series, d("2026-06-30"))
    changes = board_packs.changes_since(pack, later, {"trainings": "Två utbildningar till i höst"})
    summary = {change.metric_id: (change.old_status, change.new_status, change.delta) for change in changes}
    assert summary == {
        "newsletter_subscribers": ("on_track", "on_track", 350),
        "social_followers": ("off_track", "off_track", 150),
        "trainings": ("at_risk", "at_risk", 1),
        "office_fte": ("off_track", "reached", 0.5),
        "kismet_plan": ("on_track", "off_track", 0),
    }
    office = next(change for change in changes if change.metric_id == "office_fte")
    assert change_line(office, "sv") == "Kansli (heltidstjänster): ✖ Efter plan → ✔ Uppnått; 1,5 → 2,0 (+0,5)"
    trainings = next(change for change in changes if change.metric_id == "trainings")
    assert trainings.comment_changed and "Två utbildningar till i höst" in change_line(trainings, "sv")


def test_pack_history_compares_each_pack_with_the_one_before(folder):
    dataset = load(folder)
    snapshots.save_pack(dataset, d("2026-03-31"), {}, "")
    snapshots.save_pack(dataset, d("2026-06-30"), {"costs_sek": "Hyran höjdes"}, "")
    entries, problems = board_packs.pack_history(folder[0], "en")
    assert not problems
    assert [entry.pack.meeting_date for entry in entries] == [d("2026-06-30"), d("2026-03-31")]
    assert entries[1].previous is None and entries[1].changes == []
    changed = {change.metric_id for change in entries[0].changes}
    assert changed == {
        "newsletter_subscribers",
        "social_followers",
        "trainings",
        "office_fte",
        "kismet_plan",
        "costs_sek",
    }


def test_a_report_from_a_pack_keeps_the_numbers_after_the_data_is_corrected(folder):
    """The board saw 6 900 newsletter subscribers on 2026-06-30; the file is later corrected to
    6 000. Today's report says 6 000, the pack's report still 6 900 with the same sentence."""
    data, targets = folder
    snapshots.save_pack(load(folder), d("2026-06-30"), {"newsletter_subscribers": "Bra kampanj"}, "Anna")
    path = data / "metrics" / "communication.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2026-05-31,6900", "2026-05-31,6000"), encoding="utf-8")
    corrected = load(folder)
    live = build.build_report(corrected, fmt="csv", as_of=d("2026-06-30")).decode("utf-8")
    frozen = build.build_report(corrected, fmt="csv", pack=d("2026-06-30")).decode("utf-8")
    live_row = next(line for line in live.splitlines() if line.startswith("newsletter_subscribers"))
    frozen_row = next(line for line in frozen.splitlines() if line.startswith("newsletter_subscribers"))
    assert ",6000,2026-05-31," in live_row
    assert ",6900,2026-05-31,on_track," in frozen_row and frozen_row.endswith(",Bra kampanj")
    snapshot_digest = tree_digest(data / "snapshots")
    content = reports.gather(corrected, reports.ReportSpec(fmt="html", pack=d("2026-06-30")))
    assert content.spec.as_of == d("2026-06-30") and content.comments == {"newsletter_subscribers": "Bra kampanj"}
    assert explanation(content.statuses[0], "sv") == "På väg: 6\u00a0900 mot förväntat 6\u00a0738, takt 1,30."
    assert tree_digest(data / "snapshots") == snapshot_digest  # reading a pack changes nothing


def test_stored_numbers_win_over_a_changed_rule(folder):
    """Should the rule ever change, a pack still reports what the board saw: the stored record."""
    dataset = load(folder)
    path = snapshots.save_pack(dataset, d("2026-06-30"), {}, "")
    document = json.loads(path.read_text(encoding="utf-8"))
    record = next(item for item in document["metrics"] if item["id"] == "social_followers")
    record["status"], record["pace"] = "at_risk", 0.7  # as if an older rule had judged it so
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    pack = board_packs.load_pack(path)
    followers = next(item for item in pack.statuses if item.id == "social_followers")
    assert (followers.status, followers.pace) == ("at_risk", 0.7)
