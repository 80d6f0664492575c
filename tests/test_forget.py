"""`kpi member forget`: a former member's name leaves every file under data/, no number moves,
undo keeps working, and an interrupted forget is completed by the next one."""

from __future__ import annotations

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

NAME = "Krogen vid ån"  # M03, left 2026-04-30 (tests/fixtures/registers/data/members.csv)
DATES = [d("2025-12-31"), d("2026-06-30"), d("2026-11-23")]


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
        raise OSError("killed")

    monkeypatch.setattr(forget, "_rewrite_changelog", crash)
    with pytest.raises(OSError):
        forget.forget_member(data, "M03", editor="admin")
    monkeypatch.undo()
    assert (data / forget.JOURNAL).exists() and not store.undo_last(data, "admin").saved  # hashes not mapped yet
    assert forget.recover(data) and not (data / forget.JOURNAL).exists()
    assert store.undo_last(data, "admin").saved
    assert "Anonymiserad medlem M03" in (data / "members.csv").read_bytes().decode("cp1252")


def test_the_command(folder, capsys):
    data, targets = folder
    args = ["--data", str(data), "--targets", str(targets)]
    assert main(["member", "forget", "M03", *args, "--editor", "admin@matkluster.se"]) == 0
    assert "M03" in capsys.readouterr().out
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
