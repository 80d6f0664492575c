"""`kpi member forget`: a former member's name leaves every file under data/, no number moves,
undo keeps working, and an interrupted forget is completed by the next one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.judge.explain import status_record
from kpi.judge.rules import evaluate_all
from kpi.model.problems import UsageError
from kpi.read.load import load_dataset
from kpi.read.targets import load_config
from kpi.write import files as write_files
from kpi.write import forget, imports, packs, store
from tests.support import FIXTURES, TODAY, d, tree_digest

# The whole module runs in the full suite, not the quick one: every forget test rewrites a data folder and its history: ~10 CPU-s.
pytestmark = pytest.mark.slow

NAME = "Krogen vid ån"  # M03, left 2026-04-30 (tests/fixtures/registers/data/members.csv)
DATES = [d("2025-12-31"), d("2026-06-30"), d("2026-11-23")]


class Killed(BaseException):
    """A kill at one step: not an error forget could catch and clean up after."""


@pytest.fixture
def folder(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """The registers fixture with the name also in a backup, an activity note and a board pack."""
    monkeypatch.delenv("KPI_EDITOR_PASSWORD", raising=False)
    shutil.copytree(FIXTURES / "registers", tmp_path / "registers")
    data, targets = tmp_path / "registers" / "data", tmp_path / "registers" / "targets.yaml"
    config = load_config(targets)
    members = (data / "members.csv").read_bytes()
    edited = members.replace(
        "M02;Mejeriet i Flen;processor".encode("cp1252"), "M02;Mejeriet i Flen;retail".encode("cp1252")
    )
    change = imports.preview_upload(
        data, config, write_files.DataFile("members", "members"), edited, "members.csv", today=TODAY, mode="replace"
    )
    saved = store.save_preview(data, change, editor="Anna", comment=f"före {NAME}", config=config)
    assert saved.saved, [problem.format("en") for problem in change.problems]
    activities = data / "activities.csv"
    activities.write_text(
        activities.read_text(encoding="utf-8-sig").replace(
            "Korv & brödrunda;;;no", f"Korv & brödrunda hos {NAME};;;no"
        ),
        encoding="utf-8-sig",
    )
    dataset = load_dataset(data, targets, today=TODAY)
    packs.save_pack(dataset, d("2026-06-30"), {"members_total": f"{NAME} har lämnat"}, author="Bo")
    return data, targets


def statuses(data: Path, targets: Path) -> list[list[dict]]:
    dataset = load_dataset(data, targets, today=TODAY)
    return [[status_record(item, "sv") for item in evaluate_all(dataset.config, dataset.series, day)] for day in DATES]


def holds_name(data: Path) -> list[str]:
    forms = [NAME.encode("utf-8"), NAME.encode("cp1252")]
    return [
        str(p.relative_to(data)) for p in data.rglob("*") if p.is_file() and any(f in p.read_bytes() for f in forms)
    ]


def test_the_name_is_everywhere_before(folder):
    data, _ = folder
    assert set(holds_name(data)) >= {"members.csv", "activities.csv", "changelog.csv", "snapshots/2026-06-30.json"}
    assert any(name.startswith(".history/members/") for name in holds_name(data))


def test_forget_replaces_the_name_everywhere_and_changes_no_status(folder):
    data, targets = folder
    before = statuses(data, targets)
    result = forget.forget_member(data, "M03", editor="admin@matkluster.se")
    assert result.pseudonym == "Anonymiserad medlem M03"
    assert "members.csv" in result.files and "snapshots/2026-06-30.json" in result.files
    assert holds_name(data) == []
    assert statuses(data, targets) == before
    members = (data / "members.csv").read_bytes().decode("cp1252")
    assert "M03;Anonymiserad medlem M03;restaurang;Trosa;2021-06-01;2026-04-30;sold" in members
    last = store.read_changelog(data)[-1]
    assert (last.action, last.file, last.comment, last.editor) == ("forget", "members.csv", "", "admin@matkluster.se")
    assert "M03" not in ";".join(last.row())  # the log says that it was done, not whom
    assert not (data / forget.JOURNAL).exists()
    assert forget.forget_member(data, "M03", editor="admin").files == []  # nothing left to do


def test_undo_still_works_after_forgetting(folder):
    data, targets = folder
    forget.forget_member(data, "M03", editor="admin")
    undone = store.undo_last(data, "admin")
    assert undone.saved, [p.format("en") for p in undone.problems]
    assert "M02;Mejeriet i Flen;processor" in (data / "members.csv").read_bytes().decode("cp1252")  # the old row
    assert holds_name(data) == []


def test_a_current_or_unknown_member_is_refused_and_nothing_changes(folder):
    data, _ = folder
    digest = tree_digest(data)
    with pytest.raises(UsageError) as caught:
        forget.forget_member(data, "M01", editor="admin")
    assert caught.value.problems[0].format("en") == (
        "members.csv::left: M01 is still a member; fill in the date they left (left) first, then forget"
    )
    with pytest.raises(UsageError):
        forget.forget_member(data, "M99", editor="admin")
    assert tree_digest(data) == digest


def test_an_interrupted_forget_is_completed_by_recover(folder, monkeypatch):
    data, _ = folder

    def crash(*args, **kwargs):
        raise Killed  # the process dies here: nothing of forget's own clean-up runs

    monkeypatch.setattr(forget, "_rewrite_changelog", crash)
    with pytest.raises(Killed):
        forget.forget_member(data, "M03", editor="admin")
    monkeypatch.undo()
    assert (data / forget.JOURNAL).exists() and not store.undo_last(data, "admin").saved  # hashes not mapped yet
    assert forget.recover(data) and not (data / forget.JOURNAL).exists()
    assert store.undo_last(data, "admin").saved
    assert "Anonymiserad medlem M03" in (data / "members.csv").read_bytes().decode("cp1252")


def test_the_command(folder, capsys):
    data, targets = folder
    args = ["--data", str(data), "--targets", str(targets)]
    digest = tree_digest(data)
    assert main(["member", "forget", "M03", *args, "--dry-run"]) == 0
    listed = capsys.readouterr().out
    assert "members.csv:4: M03;Krogen vid ån;" in listed and "snapshots/2026-06-30.json:" in listed
    assert "inget är ändrat" in listed
    assert {k: v for k, v in tree_digest(data).items() if ".locks" not in k} == {
        k: v for k, v in digest.items() if ".locks" not in k
    }
    assert main(["member", "forget", "M03", *args, "--editor", "admin@matkluster.se"]) == 0
    out = capsys.readouterr().out
    assert "activities.csv:" in out and "M03 heter nu" in out  # every match listed, then replaced
    assert main(["member", "forget", "M01", *args]) == 2
    assert "M01 är fortfarande medlem" in capsys.readouterr().err


def test_the_administrator_forgets_from_the_data_page(folder, use_data, run_page, monkeypatch):
    data, targets = folder
    use_data(data, targets)
    monkeypatch.setenv("KPI_EDITOR_PASSWORD", "hemligt")  # the fallback: unlocking makes an administrator
    at = run_page("data", unlocked_as="Anna")
    assert not at.exception
    at.text_input(key="data_forget_member").input("M03").run()
    assert at.button(key="data_forget").disabled  # not before the second yes
    at.checkbox(key="data_forget_confirm").check().run()
    at.button(key="data_forget").click().run()
    assert not at.exception
    assert holds_name(data) == []
    assert any("M03 heter nu ”Anonymiserad medlem M03”" in element.value for element in at.success)
    assert store.read_changelog(data)[-1].editor == "Anna"


def test_anyone_else_has_no_forget_on_the_data_page(folder, use_data, run_page, monkeypatch):
    from kpi.model.access import Viewer
    from ui import access

    data, targets = folder
    use_data(data, targets)
    monkeypatch.setattr(access, "sign_in_configured", lambda: True)
    monkeypatch.setattr(access, "current_viewer", lambda: Viewer(email="anna@matkluster.se", role="staff"))
    at = run_page("data")
    assert not at.exception and not [box for box in at.text_input if box.key == "data_forget_member"]


def decoded(path: Path) -> str:
    from kpi.read.sniff import decode

    return decode(path.read_bytes(), path.name).text


def traces_of(data: Path, name: str) -> list[str]:
    """Files that still hold ``name`` in any case, in UTF-8 or cp1252, plain or JSON-escaped."""
    import json

    forms = {name.casefold(), json.dumps(name)[1:-1].casefold(), json.dumps(name, ensure_ascii=False)[1:-1].casefold()}
    found = []
    for path in data.rglob("*"):
        if not path.is_file() or path.parent.name == ".locks":
            continue
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding).casefold()
            except UnicodeDecodeError:
                continue
            if any(form in text for form in forms):
                found.append(str(path.relative_to(data)))
            break
    return found


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_a_kill_at_any_write_is_finished_by_the_next_run(folder, tmp_path, monkeypatch):
    """Stopped before any one of its writes, forget is finished by the next run: no trace of the
    name anywhere, statuses unchanged, undo works, the journal gone."""
    data, targets = folder
    before = statuses(data, targets)
    base = tmp_path / "base"
    shutil.copytree(data.parent, base)
    real = forget.atomic_write
    step = 0
    while True:
        work = tmp_path / f"kill{step}"
        shutil.copytree(base, work)
        here = work / "data"
        calls = [0]

        def dying(path, payload, *args, _at=step, _calls=calls, **kwargs):
            if _calls[0] == _at:
                raise Killed
            _calls[0] += 1
            return real(path, payload, *args, **kwargs)

        monkeypatch.setattr(forget, "atomic_write", dying)
        try:
            forget.forget_member(here, "M03", editor="admin")
            killed = False
        except Killed:
            killed = True
        monkeypatch.setattr(forget, "atomic_write", real)
        if killed:
            assert traces_of(here, NAME) != [] or (here / forget.JOURNAL).exists()
            forget.forget_member(here, "M03", editor="admin")  # the next run finishes it
        assert traces_of(here, NAME) == [], step
        assert not (here / forget.JOURNAL).exists()
        assert statuses(here, work / "targets.yaml") == before
        assert store.undo_last(here, "admin").saved, step
        if not killed:
            break
        step += 1
    assert step >= 6  # the journal, the register, its backups, the notes, the pack, the change log


def test_whole_names_any_case_every_spelling_and_never_another_members_name(folder):
    data, targets = folder
    config = load_config(targets)
    members = decoded(data / "members.csv")
    members = members.replace("M01;Gårdsbutiken Ekhaga;", f"M01;{NAME} & Catering;")  # a current member
    members = members.replace(f"M03;{NAME};", 'M03;Krogen "vid ån";')  # renamed: the old spelling is a backup
    change = imports.preview_upload(
        data, config, write_files.DataFile("members", "members"), members.encode("cp1252"), "members.csv",
        today=TODAY, mode="replace",
    )  # fmt: skip
    saved = store.save_preview(data, change, editor="Anna", comment="", config=config)
    assert saved.saved, [problem.format("en") for problem in [*change.problems, *saved.problems]]
    activities = data / "activities.csv"
    text = activities.read_text(encoding="utf-8-sig")
    text = text.replace(f"hos {NAME}", f"hos {NAME.upper()}, inte hos {NAME} & Catering")
    activities.write_text(text, encoding="utf-8-sig")
    dataset = load_dataset(data, targets, today=TODAY)
    packs.save_pack(dataset, d("2026-11-23"), {"members_total": 'Krogen "vid ån" har lämnat'}, author="Bo")
    before = statuses(data, targets)

    listed = forget.forget_member(data, "M03", editor="admin", dry_run=True)
    files = {trace.file for trace in listed.traces}
    assert {"members.csv", "activities.csv", "changelog.csv", "snapshots/2026-11-23.json"} <= files
    assert any(file.startswith(".history/members/") for file in files)
    assert all("Anonymiserad" not in trace.text for trace in listed.traces) and listed.files == []
    assert traces_of(data, NAME)  # a dry run changes nothing

    result = forget.forget_member(data, "M03", editor="admin")
    assert result.files and len(result.traces) == len(listed.traces)
    for name in (NAME, 'Krogen "vid ån"'):
        left = [file for file in traces_of(data, name) if not file.startswith(("members.csv", ".history", "activ"))]
        assert left == [], name
    members_now = decoded(data / "members.csv")
    assert f"M01;{NAME} & Catering;" in members_now, members_now[:400]
    assert re.search(r"M03;\"?Anonymiserad medlem M03\"?;", members_now), members_now[:400]  # CSV may quote it
    notes = activities.read_text(encoding="utf-8-sig")
    assert f"{NAME} & Catering" in notes and NAME.upper() not in notes
    assert "hos Anonymiserad medlem M03, inte hos" in notes
    for copy in (data / ".history" / "members").glob("*.csv"):
        old = decoded(copy)
        assert f"{NAME} & Catering" in old or "Gårdsbutiken Ekhaga" in old  # the other member, untouched
        assert f"M03;{NAME};" not in old and 'Krogen "vid ån"' not in old and '"Krogen ""vid ån"""' not in old
    assert 'vid ån\\"' not in (data / "snapshots" / "2026-11-23.json").read_text(encoding="utf-8")
    assert statuses(data, targets) == before


@pytest.mark.parametrize(
    ("code", "words"), [(28, "No space left on device"), (30, "Read-only file system")], ids=["full", "read-only"]
)
def test_a_full_disk_is_refused_cleanly_and_undo_still_works(folder, monkeypatch, code, words):
    from kpi.model.problems import DataError

    data, _ = folder
    digest = {k: v for k, v in tree_digest(data).items() if not k.startswith(".locks")}
    real = forget.atomic_write
    calls = [0]

    def full(path, payload, *args, **kwargs):
        calls[0] += 1
        if calls[0] == 4:  # the journal and two files are written, then the disk is full
            raise OSError(code, words)
        return real(path, payload, *args, **kwargs)

    monkeypatch.setattr(forget, "atomic_write", full)
    with pytest.raises(DataError) as caught:
        forget.forget_member(data, "M03", editor="admin")
    assert words in caught.value.problems[0].format("en")
    monkeypatch.setattr(forget, "atomic_write", real)
    assert {k: v for k, v in tree_digest(data).items() if not k.startswith(".locks")} == digest  # all put back
    assert store.undo_last(data, "admin").saved


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_a_save_during_a_forget_waits_for_it_and_is_never_lost(folder, monkeypatch):
    """Forget holds the store's locks from its first read to its last write: an import saved in
    between waits, then finds the file changed and is refused, or is saved after; never lost."""
    import threading
    import time

    data, targets = folder
    config = load_config(targets)
    target = write_files.DataFile("activities", "activities")  # holds the name in a note
    edited = (data / "activities.csv").read_bytes().replace(b"mitt medlemskap;12;", b"mitt medlemskap;13;")
    change = imports.preview_upload(data, config, target, edited, "activities.csv", today=TODAY, mode="replace")
    assert not change.problems, [problem.format("en") for problem in change.problems]
    real, reading = forget._rewrites, threading.Event()

    def slow(*args, **kwargs):
        found = real(*args, **kwargs)
        reading.set()
        time.sleep(1.0)  # the window in which the save used to land
        return found

    monkeypatch.setattr(forget, "_rewrites", slow)
    worker = threading.Thread(target=forget.forget_member, args=(data, "M03"), kwargs={"editor": "admin"})
    worker.start()
    assert reading.wait(30)
    saved = store.save_preview(data, change, editor="Anna", comment="", config=config)
    worker.join()
    notes = decoded(data / "activities.csv")
    assert "Anonymiserad medlem M03" in notes and traces_of(data, NAME) == []
    logged = [entry for entry in store.read_changelog(data) if entry.editor == "Anna"]
    if saved.saved:  # saved after the forget, on top of it: the name must not come back with it
        assert "mitt medlemskap;13;" in notes
    else:  # refused (the file changed since the preview), and not logged as saved
        assert "mitt medlemskap;13;" not in notes and all(entry.file != "activities.csv" for entry in logged)


def test_a_members_own_data_on_request(folder, capsys):
    """``kpi member export``: the register row, earlier versions, notes and pack comments naming them."""
    import json

    data, targets = folder
    out = data.parent / "utdrag" / "M03.json"
    out.parent.mkdir()
    args = ["--data", str(data), "--targets", str(targets)]
    assert main(["member", "export", "M03", "--out", str(out), *args, "--editor", "admin@matkluster.se"]) == 0
    assert "Registerutdrag för M03" in capsys.readouterr().out
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["member_id"] == "M03"
    assert [row["name"] for row in document["registers"]["members.csv"]] == [NAME]
    files = {mention["file"] for mention in document["mentions"]}
    assert {"activities.csv", "snapshots/2026-06-30.json", "changelog.csv"} <= files
    summary = out.with_suffix(".txt").read_text(encoding="utf-8")
    assert "Registerutdrag / Data export: M03" in summary and f"Korv & brödrunda hos {NAME}" in summary
    last = store.read_changelog(data)[-1]
    assert (last.action, last.editor, last.comment) == ("export", "admin@matkluster.se", "M03")  # logged
    assert store.undoable(data) is not None and store.undoable(data).action == "save"  # not an undoable save
    assert main(["member", "export", "M99", "--out", str(out), *args]) == 2


def test_former_members_are_forgotten_on_a_schedule(folder, capsys, monkeypatch):
    """Two years after leaving by default: the dry run lists who and where, --yes forgets them, and
    the statuses at every date stay the same."""
    import datetime as dt

    from kpi import clock

    data, targets = folder
    before = statuses(data, targets)
    args = ["--data", str(data), "--targets", str(targets)]
    monkeypatch.setenv("KPI_ACCESS", str(data.parent / "access.yaml"))
    monkeypatch.setattr(clock, "today", lambda: dt.date(2028, 2, 14))  # M04 left 2026-02-15, M03 2026-04-30
    assert main(["member", "forget", "--expired", *args]) == 0
    assert "Ingen före detta medlem har passerat lagringstiden (2 år" in capsys.readouterr().out
    monkeypatch.setattr(clock, "today", lambda: dt.date(2028, 4, 30))  # two years for both
    digest = {k: v for k, v in tree_digest(data).items() if ".locks" not in k}
    assert main(["member", "forget", "--expired", *args]) == 0
    listed = capsys.readouterr().out
    assert "M03 lämnade 2026-04-30, för mer än 2 år sedan" in listed and "activities.csv:" in listed
    assert "M04 lämnade 2026-02-15" in listed and "M01" not in listed
    assert {k: v for k, v in tree_digest(data).items() if ".locks" not in k} == digest  # a dry run
    (data.parent / "access.yaml").write_text("retention_years: 3\n", encoding="utf-8")
    assert main(["member", "forget", "--expired", *args]) == 0
    assert "Ingen före detta medlem" in capsys.readouterr().out  # three years: not yet
    (data.parent / "access.yaml").write_text("retention_years: 2\n", encoding="utf-8")
    assert main(["member", "forget", "--expired", "--yes", *args]) == 0
    assert "M03 heter nu" in capsys.readouterr().out
    assert traces_of(data, NAME) == [] and traces_of(data, "Bageriet") == []
    assert statuses(data, targets) == before
    assert main(["member", "forget", *args]) == 2  # neither an id nor --expired


@pytest.mark.slow
def test_random_kills_of_a_real_process_are_finished_by_the_next_run(folder, tmp_path):
    """``kpi member forget`` in its own process, killed (SIGKILL) at random moments: the next run
    always leaves no trace of the name, the same statuses and a working undo."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from tests.support import ROOT

    data, targets = folder
    before = statuses(data, targets)
    base = tmp_path / "base"
    shutil.copytree(data.parent, base)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "kpi", "member", "forget", "M03", "--data", str(data)], cwd=ROOT, check=True)
    whole = time.monotonic() - started
    chance = random.Random(25)
    killed = 0
    for attempt in range(8):
        work = tmp_path / f"kill{attempt}"
        shutil.copytree(base, work)
        here = work / "data"
        process = subprocess.Popen(
            [sys.executable, "-m", "kpi", "member", "forget", "M03", "--data", str(here)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(chance.uniform(0.3 * whole, whole))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait(timeout=30)
        forget.forget_member(here, "M03", editor="admin")  # the next run
        assert traces_of(here, NAME) == [], attempt
        assert not (here / forget.JOURNAL).exists()
        assert statuses(here, work / "targets.yaml") == before
        assert store.undo_last(here, "admin").saved, attempt
    assert killed  # at least one run was really stopped part-way
