"""The overview page in AppTest on tests/fixtures/basic (statuses in its targets.yaml header).

Also the page-level behaviour every page shares: example-data notice, problems banner, no data
folder, broken targets.yaml, and the cache noticing a changed file.
"""

from __future__ import annotations

import os
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support import FIXTURES, ROOT

PAGE = ROOT / "pages" / "overview.py"
NBSP = "\u00a0"


@pytest.fixture
def fixture_env(monkeypatch):
    def use(folder: Path) -> None:
        monkeypatch.setenv("KPI_DATA_DIR", str(folder / "data"))
        monkeypatch.setenv("KPI_TARGETS", str(folder / "targets.yaml"))

    use(FIXTURES / "basic")
    return use


def run(as_of: str | None = "2026-06-30", lang: str | None = None, **params) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    if as_of:
        at.query_params["as_of"] = as_of
    if lang:
        at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def card_statuses(at: AppTest) -> dict[str, str]:
    """Metric name → the status badge text on its card (icon and word)."""
    found = {}
    for element in at.markdown:
        match = re.search(r"<div[^>]*>([^<]+)</div><span class=\"kpi-status\"[^>]*>([^<]+)</span>", element.value)
        if match:
            found[unescape(match.group(1))] = unescape(match.group(2))
    return found


def summary(at: AppTest) -> dict[str, int]:
    strip = next(element.value for element in at.markdown if "kpi-summary" in element.value)
    return {unescape(label): int(count) for count, label in re.findall(r">(\d+)</div><div[^>]*>([^<]+)</div>", strip)}


def metric_values(at: AppTest) -> dict[str, str]:
    return {element.label: element.value for element in at.metric}


def test_overview_shows_every_status_and_value(fixture_env):
    at = run()
    assert at.title[0].value == "Översikt: målen per 30 juni 2026"
    assert summary(at) == {
        "✔ Uppnått": 2,
        "↗ På väg": 2,
        "⚠ Risk": 1,
        "✖ Efter plan": 1,
        "↘ Går åt fel håll": 1,
        "? Uppgift saknas": 1,
    }
    assert card_statuses(at) == {
        "Prenumeranter på nyhetsbrevet": "↗ På väg",
        "Följare i sociala medier": "✖ Efter plan",
        "Utbildningar": "⚠ Risk",
        "Samverkan med UF": "✔ Uppnått",
        "Kostnader (tkr)": "↘ Går åt fel håll",
        "Kansli (heltidstjänster)": "✔ Uppnått",
        "Egen märkning": "↗ På väg",
        "Butiker med lokala livsmedel": "? Uppgift saknas",
    }
    values = [(element.label, element.value) for element in at.metric]
    assert ("per 31 maj 2026", f"6{NBSP}900") in values
    assert ("per 31 mars 2026", f"1{NBSP}050") in values
    assert [element.value for element in at.subheader] == ["Kommunikation", "Aktiviteter", "Organisation"]
    progress_texts = [element.proto.text for element in at.get("progress")]
    assert f"Mål 2026: 6{NBSP}900 av 7{NBSP}500" in progress_texts
    # The comparison date defaults to three months back, 2026-03-30, when the latest value was
    # 6 300 (31 Jan; the 6 550 is dated 31 Mar): 6 900 − 6 300 = +600.
    newsletter = next(element for element in at.metric if element.value == f"6{NBSP}900")
    assert newsletter.proto.delta == "+600"
    assert newsletter.proto.delta_description == "sedan 30 mars 2026"


def test_comparison_date_from_the_url(fixture_env):
    at = run(compare="2026-03-31")
    newsletter = next(element for element in at.metric if element.value == f"6{NBSP}900")
    assert newsletter.proto.delta == "+350"  # 6 900 − 6 550


def test_as_of_date_changes_statuses_by_the_rule(fixture_env):
    # 2026-01-31: newsletter 6 300, expected 6 200 + 1 300 × 31/365 = 6 310.4, pace 100/110.4 = 0.91 → at risk.
    # 2026-02-28: trainings 1 against 6 × 58/364 = 0.956 expected, pace 1.05 → on track.
    january = card_statuses(run(as_of="2026-01-31"))
    assert january["Prenumeranter på nyhetsbrevet"] == "⚠ Risk"
    february = card_statuses(run(as_of="2026-02-28"))
    assert february["Utbildningar"] == "↗ På väg"
    assert card_statuses(run())["Utbildningar"] == "⚠ Risk"


def test_stale_mark_on_a_card(fixture_env):
    # Costs are quarterly (135 days): the 2026-03-31 value is stale on 2026-09-01.
    at = run(as_of="2026-09-01")
    assert any("Inaktuell: senaste värdet är från 31 mars 2026" in element.value for element in at.markdown)
    assert not any("Inaktuell" in element.value for element in run().markdown)


def test_english_changes_labels_and_number_format(fixture_env):
    at = run(lang="en")
    assert at.title[0].value == "Overview: the goals as of 30 Jun 2026"
    assert summary(at)["↗ On track"] == 2
    assert card_statuses(at)["Newsletter subscribers"] == "↗ On track"
    assert ("as of 31 May 2026", "6,900") in [(element.label, element.value) for element in at.metric]
    assert "2026 target: 6,900 of 7,500" in [element.proto.text for element in at.get("progress")]


def test_filter_by_area_and_status(fixture_env):
    at = run()
    at.pills(key="filter_area").set_value(["communication"]).run()
    assert set(card_statuses(at)) == {"Prenumeranter på nyhetsbrevet", "Följare i sociala medier"}
    at.pills(key="filter_status").set_value(["off_track"]).run()
    assert set(card_statuses(at)) == {"Följare i sociala medier"}
    at.pills(key="filter_area").set_value(["organisation"]).run()
    assert card_statuses(at) == {}
    assert at.info[-1].value == "Inga mätetal matchar filtret."


def test_every_card_has_a_details_button(fixture_env):
    at = run(lang="en")
    buttons = {button.key: button.label for button in at.button}
    assert buttons == {
        f"details_{metric_id}": "Details"
        for metric_id in (
            "newsletter_subscribers",
            "social_followers",
            "trainings",
            "uf_collaboration",
            "costs_sek",
            "office_fte",
            "own_label",
            "stores_local_food_pct",
        )
    }


def copy_fixture(tmp_path: Path) -> Path:
    target = tmp_path / "basic"
    shutil.copytree(FIXTURES / "basic", target)
    return target


def test_bad_row_gives_a_banner_and_the_rest_still_shows(fixture_env, tmp_path):
    folder = copy_fixture(tmp_path)
    path = folder / "data" / "metrics" / "communication.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "social_followers,2026-06-15,tio tusen,,Meta\n", encoding="utf-8"
    )
    fixture_env(folder)
    at = run()
    assert at.error[0].value.startswith("1 fel i datafilerna")
    problems = " ".join(element.value for element in at.text)  # the banner is plain text, never Markdown
    assert "data/metrics/communication.csv:8:value" in problems
    assert "”tio tusen” är inte ett tal" in problems
    assert card_statuses(at)["Prenumeranter på nyhetsbrevet"] == "↗ På väg"


def test_example_data_notice(fixture_env, tmp_path):
    folder = copy_fixture(tmp_path)
    assert not any("Exempeldata" in element.value for element in run().info)
    (folder / "data" / "EXAMPLE_DATA").write_text("example\n", encoding="utf-8")
    fixture_env(folder)
    assert any(element.value.startswith("Exempeldata") for element in run().info)


def test_missing_data_folder_gives_instructions(monkeypatch, tmp_path):
    monkeypatch.setenv("KPI_DATA_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("KPI_TARGETS", str(FIXTURES / "basic" / "targets.yaml"))
    at = run()
    assert "Datamappen" in at.warning[0].value and "metrics/" in at.warning[0].value
    assert card_statuses(at) == {}


def test_broken_targets_file_is_explained(fixture_env, tmp_path):
    folder = copy_fixture(tmp_path)
    (folder / "targets.yaml").write_text("metrics: [\n", encoding="utf-8")
    fixture_env(folder)
    at = run()
    assert at.error[0].value.startswith("Målfilen targets.yaml kan inte läsas")


def test_a_changed_file_shows_on_the_next_rerun(fixture_env, tmp_path):
    folder = copy_fixture(tmp_path)
    fixture_env(folder)
    at = run()
    assert card_statuses(at)["Följare i sociala medier"] == "✖ Efter plan"
    path = folder / "data" / "metrics" / "communication.csv"
    path.write_text(path.read_text(encoding="utf-8") + "social_followers,2026-06-20,12600,,Meta\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    at.run()  # no cache clearing: the file's new size and time must be enough
    assert card_statuses(at)["Följare i sociala medier"] == "✔ Uppnått"
    assert f"12{NBSP}600" in [element.value for element in at.metric]


def test_changes_since_the_last_board_pack_and_file_history(fixture_env, tmp_path):
    # A pack on 2026-03-31 (office 1,5, off track) against 2026-06-30 (2,0, reached).
    from kpi.read.load import load_dataset
    from kpi.write import packs as snapshots

    folder = copy_fixture(tmp_path)
    dataset = load_dataset(folder / "data", folder / "targets.yaml")
    snapshots.save_pack(dataset, __import__("datetime").date(2026, 3, 31), {}, "Anna")
    fixture_env(folder)
    at = run()
    titles = [expander.label for expander in at.expander]
    pack_title = next(title for title in titles if title.startswith("Sedan Styrelsemöte 31 mars 2026"))
    assert "förändringar" in pack_title
    text = "\n".join(element.value for element in at.markdown)
    assert "Kansli (heltidstjänster): ✖ Efter plan → ✔ Uppnått; 1,5 → 2,0 (+0,5)" in text
    files = at.table[-1].value
    assert sorted(files["Fil"].tolist()) == sorted(
        ["data/metrics/communication.csv", "data/metrics/organisation.csv", "data/metrics/milestones.csv"]
    )
