"""The plan's horizons come from the configuration, not the code: Matklustret reads its goals
against 2026 and 2030, the co-operative network (examples/matkooperativ) against 2026 and 2028."""

from __future__ import annotations

import json

from kpi.cli import main
from kpi.judge.rules import evaluate_all
from kpi.read.load import load_dataset
from kpi.read.targets import load_config
from kpi.show.views import cards
from tests.support import ROOT, TODAY

COOPS = ROOT / "examples" / "matkooperativ"
COOP_ARGS = ["--data", str(COOPS / "data"), "--targets", str(COOPS / "targets.yaml")]


def test_horizons_are_the_target_years_unless_set():
    assert load_config(ROOT / "targets.yaml").horizon_years() == [2026, 2030]
    assert load_config(COOPS / "targets.yaml").horizon_years() == [2026, 2028]
    assert load_config(ROOT / "targets.yaml").own_scope() == "matkluster"
    assert load_config(COOPS / "targets.yaml").own_scope() == "matkoopnatverket"


def test_the_status_table_has_a_column_per_horizon(capsys):
    assert main(["status", *COOP_ARGS, "--as-of", "2026-11-23"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[2]
    assert header.split()[-4:] == ["Mål", "2026", "Mål", "2028"] and "2030" not in header
    coops = next(line for line in lines if line.startswith("Matkooperativ i nätverket"))
    assert coops.split()[-2:] == ["18", "30"]  # the 2026 and the 2028 target
    assert main(["status", "--as-of", "2026-11-23"]) == 0
    header = capsys.readouterr().out.splitlines()[2]
    assert header.split()[-4:] == ["Mål", "2026", "Mål", "2030"]


def test_the_json_contract_carries_the_2028_target(capsys):
    assert main(["status", *COOP_ARGS, "--as-of", "2026-11-23", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["coops_in_network"]["targets"] == [
        {"date": "2026-12-31", "value": 18.0, "met": None},
        {"date": "2028-12-31", "value": 30.0, "met": None},
    ]


def test_the_dashboard_cards_show_progress_toward_2028():
    data = load_dataset(COOPS / "data", COOPS / "targets.yaml", today=TODAY)
    statuses = evaluate_all(data.config, data.series, TODAY)
    view = next(card for card in cards(data, statuses, "sv") if card.metric_id == "coops_in_network")
    assert [(item.year, item.target) for item in view.progress] == [(2026, 18.0), (2028, 30.0)]
    assert view.progress[1].text == "Mål 2028: 17 av 30"


def test_the_overview_page_shows_the_2028_target(use_data, run_page):
    use_data(COOPS / "data", COOPS / "targets.yaml")
    at = run_page("overview", as_of="2026-11-23", view="cards")  # the cards carry the horizon bars
    assert not at.exception
    # The horizons are written under the one progress bar (issue 22: one bar, from the baseline).
    progress = [element.value for element in at.caption]
    assert "Mål 2028: 17 av 30" in progress and not any("2030" in text for text in progress)
