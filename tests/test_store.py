"""The one write path: re-validation, the hash check, backups, the change log, undo, and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.read.load import load_dataset
from kpi.read.targets import load_config
from kpi.write import imports, store
from kpi.write import upload as uploads
from kpi.write.files import DataFile
from tests.support import FIXTURES, TODAY, tree_digest

BASIC = FIXTURES / "basic"
TARGETS = BASIC / "targets.yaml"
COMMUNICATION = DataFile("metrics", "communication")
JUNE = b"metric;date;value\nsocial_followers;2026-06-30;10500\n"


@pytest.fixture(scope="module")
def config():
    return load_config(TARGETS)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def preview(data: Path, config, upload: bytes = JUNE, target: DataFile = COMMUNICATION, mode: str = "merge"):
    return imports.preview_upload(data, config, target, upload, "juni.csv", today=TODAY, mode=mode)


def changelog_rows(data: Path) -> list[dict]:
    text = (data / "changelog.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


# --- a save -----------------------------------------------------------------------------------------


def test_save_writes_backs_up_and_logs(data, config):
    path = data / "metrics" / "communication.csv"
    old = path.read_bytes()
    shown = preview(data, config)
    result = store.save_preview(data, shown, editor="Anna Berg", comment="juni", config=config, today=TODAY)
    assert result.saved and (result.added, result.changed, result.removed) == (1, 0, 0)
    assert path.read_bytes() == shown.data
    assert (data / result.history).read_bytes() == old
    assert result.history.startswith(".history/metrics/communication/") and result.history.endswith(
        f"-{sha(old)[:12]}.csv"
    )
    [row] = changelog_rows(data)
    assert {
        key: row[key] for key in ("editor", "file", "action", "added", "changed", "removed", "comment", "undoes")
    } == {
        "editor": "Anna Berg",
        "file": "metrics/communication.csv",
        "action": "save",
        "added": "1",
        "changed": "0",
        "removed": "0",
        "comment": "juni",
        "undoes": "",
    }
    assert (row["sha256_before"], row["sha256_after"]) == (sha(old), sha(shown.data))
    assert dt.datetime.fromisoformat(row["time"]).tzinfo is not None
    assert result.summary("sv") == "Sparat i metrics/communication.csv. Nya rader: 1, ändrade: 0, borttagna: 0."
    # The dashboard reads the new value on its next load.
    assert load_dataset(data, TARGETS, today=TODAY).series["social_followers"].values[-1] == 10500


def test_save_refuses_errors_at_save_time_and_writes_nothing(data, config):
    before = tree_digest(data)
    bad = b"metric;date;value\nsocial_followers;2026-06-31;10500\n"
    result = store.save_table(
        data,
        COMMUNICATION,
        bad,
        editor="Anna",
        expected_sha256=sha((data / "metrics" / "communication.csv").read_bytes()),
        config=config,
        today=TODAY,
    )
    assert not result.saved
    assert [p.format("en") for p in result.problems] == [
        'data/metrics/communication.csv:2:date: "2026-06-31" is not a date in the form YYYY-MM-DD'
    ]
    assert tree_digest(data) == before  # not even a lock file


def test_stale_preview_is_refused_with_the_message(data, config):
    shown = preview(data, config)
    path = data / "metrics" / "communication.csv"
    path.write_bytes(path.read_bytes() + b"social_followers,2026-07-31,10600,,\n")  # someone else saved
    after_other = path.read_bytes()
    result = store.save_preview(data, shown, editor="Anna", config=config, today=TODAY)
    assert not result.saved
    assert result.problems[0].format("en") == (
        "data/metrics/communication.csv: someone else saved this file since you "
        "opened it; reload and make the change again"
    )
    assert (
        result.problems[0]
        .format("sv")
        .endswith("någon annan har sparat filen sedan du öppnade den; läs in den igen och gör om ändringen")
    )
    assert path.read_bytes() == after_other and not (data / "changelog.csv").exists()


def test_a_new_file_expects_no_file(data, config):
    manual = imports.MANUAL.path(data)
    shown = imports.preview_quick_entry(
        data, config, imports.MANUAL, "trainings", "2026-10-31", "1", None, source_label="quick entry", today=TODAY
    )
    assert shown.expected_sha256 is None
    manual.write_bytes(b"metric;date;value\n")  # created meanwhile by someone else
    assert not store.save_preview(data, shown, editor="Anna", config=config, today=TODAY).saved
    manual.unlink()
    assert store.save_preview(data, shown, editor="Anna", config=config, today=TODAY).saved
    assert manual.read_bytes() == shown.data


def test_an_editor_name_is_required(data, config):
    with pytest.raises(ValueError):
        store.save_preview(data, preview(data, config), editor="  \n", config=config)


def test_unclean_preview_cannot_be_saved(data, config):
    shown = preview(data, config, b"metric;date;value\nsocial_followers;2026-06-30;x\n")
    result = store.save_preview(data, shown, editor="Anna", config=config)
    assert not result.saved and result.problems[0].code == "bad_number"
    same = preview(data, config, (data / "metrics" / "communication.csv").read_bytes(), mode="replace")
    assert store.save_preview(data, same, editor="Anna", config=config).problems[0].code == "store_nothing_to_save"


# --- the change log ---------------------------------------------------------------------------------


def test_password_and_formulas_never_reach_the_change_log(data, config, monkeypatch):
    monkeypatch.setenv("KPI_EDITOR_PASSWORD", "Rödbeta-2026")
    result = store.save_preview(
        data,
        preview(data, config),
        editor="=cmd|' /C calc'!A0",
        comment="lösenordet är Rödbeta-2026\n, ny rad",
        config=config,
        today=TODAY,
    )
    assert result.saved
    raw = (data / "changelog.csv").read_bytes().decode("utf-8-sig")
    assert "Rödbeta" not in raw
    [row] = changelog_rows(data)
    assert row["comment"] == "lösenordet är *** , ny rad"
    assert row["editor"] == "'=cmd|' /C calc'!A0"  # inert in Excel


def test_a_torn_last_line_spoils_only_itself(data, config):
    store.save_preview(data, preview(data, config), editor="Anna", config=config, today=TODAY)
    with (data / "changelog.csv").open("ab") as stream:
        stream.write(b"2026-11-23T10:00:00+01:00;Bo;metrics/x")  # a crash in the middle of a line
    second = preview(data, config, b"metric;date;value\nsocial_followers;2026-07-31;10600\n")
    store.save_preview(data, second, editor="Bo", config=config, today=TODAY)
    assert [change.editor for change in store.read_changelog(data)] == ["Anna", "Bo"]
    assert store.file_history(data)["metrics/communication.csv"].editor == "Bo"


def test_changelog_frame_newest_first(data, config):
    store.save_preview(data, preview(data, config), editor="Anna", config=config, today=TODAY)
    store.save_preview(
        data,
        imports.preview_quick_entry(
            data, config, imports.MANUAL, "trainings", "2026-10-31", "1", None, source_label="q", today=TODAY
        ),
        editor="Bo",
        config=config,
        today=TODAY,
    )
    frame = store.changelog_frame(data)
    assert frame[["editor", "file", "added"]].values.tolist() == [
        ["Bo", "metrics/manual.csv", 1],
        ["Anna", "metrics/communication.csv", 1],
    ]
    assert set(store.file_history(data)) == {"metrics/communication.csv", "metrics/manual.csv"}


# --- undo -------------------------------------------------------------------------------------------


def test_undo_walks_back_through_the_same_path(data, config):
    path = data / "metrics" / "communication.csv"
    original = path.read_bytes()
    first = store.save_preview(data, preview(data, config), editor="Anna", config=config, today=TODAY)
    july = preview(data, config, b"metric;date;value\nsocial_followers;2026-07-31;10600\n")
    second = store.save_preview(data, july, editor="Anna", config=config, today=TODAY)
    assert first.saved and second.saved

    undone = store.undo_last(data, "Bo")
    assert undone.saved and sha(path.read_bytes()) == first.sha256_after == july.expected_sha256
    assert undone.summary("en") == (
        "Undone in metrics/communication.csv: the previous version is back. Rows added: 0, changed: 0, removed: 1."
    )
    assert store.undo_last(data, "Bo").saved
    assert path.read_bytes() == original
    nothing = store.undo_last(data, "Bo")
    assert not nothing.saved and nothing.problems[0].code == "store_nothing_to_undo"
    log = store.read_changelog(data)
    assert [(c.action, c.editor) for c in log] == [("save", "Anna"), ("save", "Anna"), ("undo", "Bo"), ("undo", "Bo")]
    assert log[2].undoes == log[1].id and log[3].undoes == log[0].id
    assert (data / log[2].history).read_bytes() == july.data  # an undo keeps what it replaced, too


def test_undo_of_a_new_file_removes_it(data, config):
    shown = imports.preview_quick_entry(
        data, config, imports.MANUAL, "trainings", "2026-10-31", "1", None, source_label="q", today=TODAY
    )
    store.save_preview(data, shown, editor="Anna", config=config, today=TODAY)
    assert imports.MANUAL.path(data).exists()
    assert store.undo_last(data, "Anna").saved
    assert not imports.MANUAL.path(data).exists()


def test_undo_refuses_when_the_file_changed_by_hand(data, config):
    store.save_preview(data, preview(data, config), editor="Anna", config=config, today=TODAY)
    path = data / "metrics" / "communication.csv"
    path.write_bytes(path.read_bytes() + b"social_followers,2026-08-31,1,,\n")
    before = path.read_bytes()
    result = store.undo_last(data, "Bo")
    assert not result.saved and result.problems[0].code == "store_undo_changed"
    assert path.read_bytes() == before


def test_undo_refuses_when_the_backup_is_gone(data, config):
    saved = store.save_preview(data, preview(data, config), editor="Anna", config=config, today=TODAY)
    (data / saved.history).write_bytes(b"tampered")
    result = store.undo_last(data, "Bo")
    assert not result.saved and result.problems[0].code == "store_history_missing"


# --- python -m kpi import -----------------------------------------------------------------------------


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_import_saves_with_backup_and_log(data, tmp_path, capsys):
    upload = tmp_path / "juni.csv"
    upload.write_bytes(JUNE)
    code, out, err = run(
        [
            "import",
            str(upload),
            "--into",
            "metrics/communication.csv",
            "--mode",
            "merge",
            "--data",
            str(data),
            "--targets",
            str(TARGETS),
            "--lang",
            "en",
            "--comment",
            "juni",
            "--editor",
            "Cecilia",
        ],
        capsys,
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert (
        lines[0] == "metrics/communication.csv compared with the current file. Rows added: 1, changed: 0, removed: 0."
    )
    assert lines[1] == "Saved to metrics/communication.csv. Rows added: 1, changed: 0, removed: 0."
    assert lines[2].startswith("Previous version kept in data/.history/metrics/communication/")
    [row] = changelog_rows(data)
    assert (row["editor"], row["comment"]) == ("Cecilia", "juni")


def test_cli_dry_run_and_unchanged_write_nothing(data, tmp_path, capsys):
    upload = tmp_path / "juni.csv"
    upload.write_bytes(JUNE)
    before = tree_digest(data)
    code, out, _ = run(
        [
            "import",
            str(upload),
            "--into",
            "metrics/communication.csv",
            "--mode",
            "merge",
            "--dry-run",
            "--data",
            str(data),
            "--targets",
            str(TARGETS),
        ],
        capsys,
    )
    assert code == 0 and out.splitlines()[-1] == "Provkörning: ingenting sparades."
    same = tmp_path / "same.csv"
    same.write_bytes((data / "metrics" / "communication.csv").read_bytes())
    code, out, _ = run(
        [
            "import",
            str(same),
            "--into",
            "metrics/communication.csv",
            "--data",
            str(data),
            "--targets",
            str(TARGETS),
            "--lang",
            "en",
        ],
        capsys,
    )
    assert code == 0 and out.splitlines()[-1] == "No changes: the file already holds these rows. Nothing was saved."
    assert tree_digest(data) == before


def test_cli_refuses_with_file_row_and_column(data, tmp_path, capsys):
    upload = tmp_path / "juni.csv"
    upload.write_bytes(b"metric;date;value\nsocial_followers;2026-06-30;tio tusen\n")
    before = tree_digest(data)
    code, out, err = run(
        [
            "import",
            str(upload),
            "--into",
            "metrics/communication.csv",
            "--data",
            str(data),
            "--targets",
            str(TARGETS),
            "--lang",
            "en",
        ],
        capsys,
    )
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f'{upload}:2:value: "tio tusen" is not a number',
        "Nothing was saved: fix the problems above and try again.",
    ]
    assert tree_digest(data) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["--into", "../targets.yaml"], '--into: "../targets.yaml" is not an import target'),
        (["--into", "metrics/Juni 2026.csv"], '--into: "metrics/Juni 2026.csv" is not an import target'),
    ],
)
def test_cli_usage_errors_exit_2(data, tmp_path, capsys, args, message):
    upload = tmp_path / "juni.csv"
    upload.write_bytes(JUNE)
    code, _, err = run(
        ["import", str(upload), *args, "--data", str(data), "--targets", str(TARGETS), "--lang", "en"], capsys
    )
    assert code == 2 and err.startswith(message)


def test_cli_missing_file_and_missing_into(data, tmp_path, capsys):
    code, _, err = run(
        [
            "import",
            str(tmp_path / "nope.csv"),
            "--into",
            "members",
            "--data",
            str(data),
            "--targets",
            str(TARGETS),
            "--lang",
            "en",
        ],
        capsys,
    )
    assert code == 2 and err == f"{tmp_path / 'nope.csv'}: the file does not exist\n"
    code, _, _ = run(["import", str(tmp_path / "nope.csv"), "--data", str(data)], capsys)
    assert code == 2


def test_cli_too_large_file_is_not_read_whole(data, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_bytes(b"metric;date;value\n" + b"social_followers;2026-06-30;1\n" * 200_000)
    code, _, err = run(
        [
            "import",
            str(big),
            "--into",
            "metrics/communication.csv",
            "--data",
            str(data),
            "--targets",
            str(TARGETS),
            "--lang",
            "en",
        ],
        capsys,
    )
    assert code == 1
    assert (
        err.splitlines()[0]
        == f"{big}: the file is larger than the limit of 1 MB (it is about 6 MB); split it or remove old rows"
    )
