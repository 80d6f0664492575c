"""``python -m kpi``: outputs, formats and the exit-code contract (0 ok, 1 bad data, 2 usage)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from kpi.cli import main
from tests.support import FIXTURES, ROOT

BASIC = ["--data", str(FIXTURES / "basic" / "data"), "--targets", str(FIXTURES / "basic" / "targets.yaml")]

# Hand-computed in tests/fixtures/basic/targets.yaml's header.
EXPECTED_STATUS = {
    "newsletter_subscribers": "on_track",
    "social_followers": "off_track",
    "trainings": "at_risk",
    "costs_sek": "moving_away",
    "office_fte": "reached",
    "uf_collaboration": "reached",
    "own_label": "on_track",
    "stores_local_food_pct": "no_data",
}


def test_status_json(capsys):
    assert main(["status", *BASIC, "--as-of", "2026-06-30", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["id"]: row["status"] for row in rows} == EXPECTED_STATUS
    newsletter = rows[0]
    assert newsletter["value"] == 6900 and newsletter["value_date"] == "2026-05-31"
    assert newsletter["pace"] == pytest.approx(700 / (1300 * 151 / 365), abs=1e-4)
    assert newsletter["targets"] == [
        {"date": "2026-12-31", "value": 7500.0, "met": None},
        {"date": "2030-12-31", "value": 11000.0, "met": None},
    ]
    # Three points in 24 months → a forecast line exists.
    assert newsletter["projected"] and newsletter["eta"] is not None
    trainings = next(row for row in rows if row["id"] == "trainings")
    assert trainings["value"] == 2  # the September training is after the as-of date


def test_as_of_changes_the_status(capsys):
    main(["status", *BASIC, "--as-of", "2027-01-15", "--format", "json"])
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["uf_collaboration"]["status"] == "reached"
    assert rows["own_label"]["status"] == "on_track"
    # The 2026 newsletter target was judged on 6 900 (2026-05-31) → not met.
    assert rows["newsletter_subscribers"]["targets"][0]["met"] is False
    assert rows["newsletter_subscribers"]["stale"] is True  # 229 days > 62


def test_status_table_is_readable(capsys):
    assert main(["status", *BASIC, "--as-of", "2026-06-30", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Status as of 30 June 2026" in out
    assert "Newsletter subscribers" in out and "↗ On track" in out and "✖ Off track" in out
    assert "6,900" in out
    header, rule = out.splitlines()[2:4]
    assert set(rule.replace(" ", "")) == {"-"}


def test_status_table_swedish_numbers(capsys):
    main(["status", *BASIC, "--as-of", "2026-06-30"])
    out = capsys.readouterr().out
    assert "6\u00a0900" in out and "Efter plan" in out and "1,30" in out


def test_status_csv(capsys):
    assert main(["status", *BASIC, "--as-of", "2026-06-30", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {row["id"]: row["status"] for row in rows} == EXPECTED_STATUS
    assert rows[0]["target_2026"] == "7500.0" and rows[0]["met_2026"] == ""


def test_usage_errors_exit_2(capsys):
    assert main(["status", *BASIC, "--as-of", "30/06/2026"]) == 2
    assert main(["nonsense"]) == 2
    assert main([]) == 2


def test_bad_targets_exit_1_without_traceback(tmp_path, capsys):
    bad = tmp_path / "targets.yaml"
    bad.write_text("metrics: [{id: x}]\n", encoding="utf-8")
    assert main(["status", "--targets", str(bad), "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "targets.yaml:1:name: mätetal x, fält ”name”: obligatoriskt men saknas" in err and "Traceback" not in err


def test_missing_data_folder_says_what_to_do(tmp_path, capsys):
    code = main(
        [
            "validate",
            "--data",
            str(tmp_path / "nope"),
            "--targets",
            str(FIXTURES / "basic" / "targets.yaml"),
            "--lang",
            "en",
        ]
    )
    assert code == 1
    assert "create it with a metrics/ subfolder" in capsys.readouterr().err


def test_environment_variables_choose_the_files(monkeypatch, capsys):
    monkeypatch.setenv("KPI_DATA_DIR", str(FIXTURES / "basic" / "data"))
    monkeypatch.setenv("KPI_TARGETS", str(FIXTURES / "basic" / "targets.yaml"))
    assert main(["status", "--as-of", "2026-06-30", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(EXPECTED_STATUS)


@pytest.mark.slow
def test_module_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "kpi", "status", *BASIC, "--as-of", "2026-06-30", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(EXPECTED_STATUS)


def test_empty_metric_list_is_not_a_crash(tmp_path, capsys):
    targets = tmp_path / "targets.yaml"
    targets.write_text("metrics: []\n", encoding="utf-8")
    (tmp_path / "data" / "metrics").mkdir(parents=True)
    (tmp_path / "data" / "metrics" / "x.csv").write_text(
        "metric,date,value\nnewsletter_subscribers,2026-01-31,1\n", encoding="utf-8"
    )
    assert main(["status", "--targets", str(targets), "--data", str(tmp_path / "data"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_observations_are_safe_to_read_from_many_threads():
    # The dashboard caches one Dataset for every session; each page run reads from it in its thread.
    from concurrent.futures import ThreadPoolExecutor

    from kpi.read.load import load_dataset

    dataset = load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml")
    with ThreadPoolExecutor(max_workers=8) as pool:
        frames = list(pool.map(lambda _: dataset.observations("newsletter_subscribers"), range(200)))
    assert all(frame is not None and frame["value"].tolist() == [6300, 6550, 6900] for frame in frames)


def test_the_kpi_command_is_installed_with_the_package():
    from importlib.metadata import entry_points

    [script] = entry_points(group="console_scripts", name="kpi")
    assert script.value == "kpi.cli:main" and script.load() is main


def test_board_pack_is_another_name_for_the_snapshot_command(tmp_path, capsys):
    import shutil

    shutil.copytree(FIXTURES / "basic", tmp_path / "basic")
    args = ["--data", str(tmp_path / "basic" / "data"), "--targets", str(tmp_path / "basic" / "targets.yaml")]
    assert main([*args, "board-pack", "save", "--date", "2026-06-30"]) == 0
    capsys.readouterr()
    assert main([*args, "snapshot", "list"]) == 0
    assert capsys.readouterr().out.startswith("2026-06-30")
