"""The overview page in AppTest on tests/fixtures/basic (statuses in its targets.yaml header).

Also the page-level behaviour every page shares: example-data notice, problems banner, no data
folder, broken targets.yaml, and the cache noticing a changed file.
"""

from __future__ import annotations

import os
import re
import shutil
from html import unescape
from html.parser import HTMLParser
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


def run(as_of: str | None = "2026-06-30", lang: str | None = None, unlocked_as: str | None = None, **params) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    if unlocked_as:  # a signed-in role (the password fallback): sees the board's comments
        at.session_state["access_password_editor"] = unlocked_as
    if as_of:
        at.query_params["as_of"] = as_of
    if lang:
        at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


class _Rows(HTMLParser):
    """The goal table's rows as lists of cell texts (the table is HTML inside st.markdown)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(re.sub(r"[ \t\n]+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data + " ")


def table_rows(at: AppTest) -> list[list[str]]:
    """Every goal row on the page: [status, goal and reason, value and date, target, bar]."""
    parser = _Rows()
    for element in at.markdown:
        if "kpi-goals" in element.value:
            parser.feed(element.value)
    return parser.rows


def row_statuses(at: AppTest) -> dict[str, str]:
    """Goal name → its status (icon and word), from the table (the name is the cell's first line)."""
    found = {}
    for element in at.markdown:
        for status, name in re.findall(
            r'<span class="kpi-status"[^>]*>([^<]+)</span>.*?<div class="kpi-goal-name">(?:<a [^>]*>)?([^<]+)<',
            element.value,
        ):
            found[unescape(name)] = unescape(status)
    return found


def card_statuses(at: AppTest) -> dict[str, str]:
    """Metric name → the status badge text on its card (icon and word), in the cards view."""
    found = {}
    for element in at.markdown:
        match = re.search(r"<div[^>]*>([^<]+)</div><span class=\"kpi-status\"[^>]*>([^<]+)</span>", element.value)
        if match:
            found[unescape(match.group(1))] = unescape(match.group(2))
    return found


def counts(at: AppTest) -> list[str]:
    return list(at.pills(key="status_filter").options)


def metric_values(at: AppTest) -> dict[str, str]:
    return {element.label: element.value for element in at.metric}


def test_overview_lists_every_goal_worst_first_with_its_reason(fixture_env):
    at = run()
    assert at.title[0].value == "Översikt: målen per 30 juni 2026"
    assert "8 mål i planen. 4 mål behöver styrelsens uppmärksamhet." in [element.value for element in at.markdown]
    # The counts, worst first like the rows; "0" would be listed for the four main statuses.
    assert counts(at) == [
        "1 ↘ Går åt fel håll",
        "1 ✖ Efter plan",
        "1 ⚠ Risk",
        "1 ? Uppgift saknas",
        "2 ↗ På väg",
        "2 ✔ Uppnått",
    ]
    assert list(row_statuses(at).items()) == [
        ("Kostnader (tkr)", "↘ Går åt fel håll"),
        ("Följare i sociala medier", "✖ Efter plan"),
        ("Utbildningar", "⚠ Risk"),
        ("Butiker med lokala livsmedel", "? Uppgift saknas"),
        ("Prenumeranter på nyhetsbrevet", "↗ På väg"),
        ("Egen märkning", "↗ På väg"),
        ("Kansli (heltidstjänster)", "✔ Uppnått"),
        ("Samverkan med UF", "✔ Uppnått"),
    ]
    social = table_rows(at)[1]
    assert social[0] == "✖ Efter plan"
    assert social[1] == (
        f"Följare i sociala medier 10{NBSP}400; enligt planen borde det vara 11{NBSP}034 den 31 maj 2026. "
        f"Med nuvarande takt nås 12{NBSP}500 i september 2028."
    )
    assert social[2] == f"10{NBSP}400 31 maj 2026"
    assert social[3] == f"12{NBSP}500 till 31 dec. 2026"
    # The first four (needing attention) are a table of their own, above what moved.
    captions = [element.value for element in at.markdown if "kpi-goals" in element.value]
    assert "Behöver uppmärksamhet" in captions[0] and "På väg eller uppnått" in captions[1]


def test_status_filter_from_the_url(fixture_env):
    at = run(status="off_track,at_risk")
    assert set(row_statuses(at)) == {"Följare i sociala medier", "Utbildningar"}
    assert at.pills(key="status_filter").value == ["at_risk", "off_track"]
    assert "Visar 2 av 8 mål." in [element.value for element in at.caption]
    assert len(row_statuses(run(status="nonsense"))) == 8  # an unknown word filters nothing


def test_clicking_a_count_lists_only_those_and_puts_the_choice_in_the_url(fixture_env):
    at = run()
    at.pills(key="status_filter").set_value(["off_track", "moving_away"]).run()
    assert list(row_statuses(at)) == ["Kostnader (tkr)", "Följare i sociala medier"]
    assert at.query_params["status"] == "off_track,moving_away"  # in the rule's order: one choice, one link
    at.pills(key="status_filter").set_value([]).run()
    assert len(row_statuses(at)) == 8
    assert "status" not in at.query_params


def test_as_of_date_changes_statuses_by_the_rule(fixture_env):
    # 2026-01-31: newsletter 6 300, expected 6 200 + 1 300 × 31/365 = 6 310.4, pace 100/110.4 = 0.91 → at risk.
    # 2026-02-28: trainings 1 against 6 × 58/364 = 0.956 expected, pace 1.05 → on track.
    january = row_statuses(run(as_of="2026-01-31"))
    assert january["Prenumeranter på nyhetsbrevet"] == "⚠ Risk"
    february = row_statuses(run(as_of="2026-02-28"))
    assert february["Utbildningar"] == "↗ På väg"
    assert row_statuses(run())["Utbildningar"] == "⚠ Risk"


def test_stale_value_is_said_in_the_reason(fixture_env):
    # Costs are quarterly (135 days): the 2026-03-31 value is stale on 2026-09-01.
    costs = next(row for row in table_rows(run(as_of="2026-09-01")) if row[1].startswith("Kostnader"))
    assert costs[1].endswith("Senaste värdet är från 31 mars 2026.")
    assert not any("Senaste värdet" in row[1] for row in table_rows(run()))


def test_english_changes_labels_and_number_format(fixture_env):
    at = run(lang="en")
    assert at.title[0].value == "Overview: the goals as of 30 Jun 2026"
    assert "2 ↗ On track" in counts(at)
    assert row_statuses(at)["Newsletter subscribers"] == "↗ On track"
    newsletter = next(row for row in table_rows(at) if row[1].startswith("Newsletter"))
    assert newsletter[1:4] == [
        "Newsletter subscribers 6,900; the plan says 6,738 on 31 May 2026.",
        "6,900 31 May 2026",
        "7,500 by 31 Dec 2026",
    ]


def test_cards_are_one_click_away_with_the_change_since_the_page_date(fixture_env):
    at = run()
    assert not card_statuses(at)  # the list is the default now; the cards are an option
    at.segmented_control(key="overview_view").set_value("cards").run()
    assert at.query_params["view"] == "cards"
    assert card_statuses(at)["Följare i sociala medier"] == "✖ Efter plan"
    assert list(card_statuses(at))[0] == "Kostnader (tkr)"  # worst first, like the list
    # Under the one progress bar (issue 22), each horizon in words.
    assert f"Mål 2026: 6{NBSP}900 av 7{NBSP}500" in [element.value for element in at.caption]
    assert 'class="kpi-bar"' in "".join(element.value for element in at.markdown)
    # No board pack: "since" is the sidebar's comparison date, three months back (2026-03-30),
    # when the latest value was 6 300 (31 Jan; the 6 550 is dated 31 Mar): 6 900 − 6 300 = +600.
    newsletter = next(element for element in at.metric if element.value == f"6{NBSP}900")
    assert newsletter.proto.delta == "+600"
    assert newsletter.proto.delta_description == "sedan 30 mars 2026"
    assert run(compare="2026-03-31", view="cards").metric  # the URL opens the cards too
    other = next(
        element for element in run(compare="2026-03-31", view="cards").metric if element.value == f"6{NBSP}900"
    )
    assert other.proto.delta == "+350"  # 6 900 − 6 550


def test_every_card_has_a_details_button(fixture_env):
    at = run(lang="en", view="cards")
    buttons = {button.key: button.label for button in at.button if button.key.startswith("details_")}
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
    # In the list every goal's name links to its page, keeping the date and language.
    assert 'href="metric?metric=social_followers&amp;as_of=2026-06-30&amp;lang=en"' in "".join(
        element.value for element in run(lang="en").markdown
    )


def test_group_by_area_is_an_option(fixture_env):
    at = run(view="areas")
    assert [element.value for element in at.subheader] == ["Kommunikation", "Aktiviteter", "Organisation"]
    assert list(row_statuses(at))[:2] == ["Följare i sociala medier", "Prenumeranter på nyhetsbrevet"]


def test_presentation_mode_shows_one_area_per_screen(fixture_env):
    at = run(present="1")
    # Issue 22: it opens with a summary: counts by status, what moved, the goals needing attention.
    assert [element.value for element in at.header] == ["Sammanfattning"]
    assert at.caption[0].value == "Sammanfattning före 3 områden · Översikt: målen per 30 juni 2026"
    assert "kpi-summary" in "".join(element.value for element in at.markdown)
    assert "**1 mål har blivit sämre**" in [element.value for element in at.markdown]
    assert set(row_statuses(at)) == {
        "Kostnader (tkr)",
        "Följare i sociala medier",
        "Utbildningar",
        "Butiker med lokala livsmedel",
    }
    assert at.button(key="present_previous").disabled
    at.button(key="present_next").click().run()
    assert [element.value for element in at.header] == ["Kommunikation"]
    assert at.caption[0].value == "Område 1 av 3 · Översikt: målen per 30 juni 2026"
    assert not at.title  # the area is the heading; the sidebar is hidden by CSS
    assert set(row_statuses(at)) == {"Följare i sociala medier", "Prenumeranter på nyhetsbrevet"}
    assert not at.button(key="present_previous").disabled
    at.button(key="present_next").click().run()
    assert [element.value for element in at.header] == ["Aktiviteter"]
    at.button(key="present_next").click().run()
    assert [element.value for element in at.header] == ["Organisation"]
    assert at.button(key="present_next").disabled
    at.button(key="present_exit").click().run()
    assert "present" not in at.query_params
    assert len(row_statuses(at)) == 8
    started = run()
    started.button(key="present_start").click().run()
    assert started.query_params["present"] == "1"


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
    assert "tio tusen" not in problems  # an anonymous visitor: where, not what the cell holds
    assert row_statuses(at)["Prenumeranter på nyhetsbrevet"] == "↗ På väg"


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
    assert row_statuses(at) == {}


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
    assert row_statuses(at)["Följare i sociala medier"] == "✖ Efter plan"
    path = folder / "data" / "metrics" / "communication.csv"
    path.write_text(path.read_text(encoding="utf-8") + "social_followers,2026-06-20,12600,,Meta\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    at.run()  # no cache clearing: the file's new size and time must be enough
    assert row_statuses(at)["Följare i sociala medier"] == "✔ Uppnått"
    assert f"12{NBSP}600" in " ".join(row[2] for row in table_rows(at))


def test_since_is_the_last_board_pack_and_the_same_date_everywhere(fixture_env, tmp_path):
    # A pack on 2026-03-31 (office 1,5, off track) against 2026-06-30 (2,0, reached); the sidebar's
    # comparison date is 2026-03-30, but the page compares with the meeting, everywhere.
    from kpi.read.load import load_dataset
    from kpi.write import packs as snapshots

    folder = copy_fixture(tmp_path)
    dataset = load_dataset(folder / "data", folder / "targets.yaml")
    snapshots.save_pack(dataset, __import__("datetime").date(2026, 3, 31), {"trainings": "Två till i höst"}, "Anna")
    fixture_env(folder)
    at = run(unlocked_as="Anna")  # the board's comments are for signed-in roles (tests/test_access.py)
    since = next(expander for expander in at.expander if expander.label.startswith("Sedan förra styrelsemötet"))
    assert since.label.startswith("Sedan förra styrelsemötet, 31 mars 2026: ")
    assert since.label.endswith("förändringar")
    assert since.proto.expanded  # open by default
    headings = [element.value for element in since.markdown]
    assert headings[0] == "**1 kommentar från mötet**"
    text = "\n".join(element.value for element in since.text)
    assert "Utbildningar: Två till i höst" in text
    assert "Kansli (heltidstjänster): ✖ Efter plan → ✔ Uppnått; 1,5 → 2,0 (+0,5)" in text
    cards_view = run(view="cards")
    newsletter = next(element for element in cards_view.metric if element.value == f"6{NBSP}900")
    assert newsletter.proto.delta_description == "sedan 31 mars 2026"
    assert newsletter.proto.delta == "+350"  # 6 900 − 6 550 (31 March), not − 6 300 (30 March)
    files = at.table[-1].value
    assert sorted(files["Innehåll"].tolist()) == sorted(  # what each file holds, not its path
        [
            "Kommunikation: Prenumeranter på nyhetsbrevet, Följare i sociala medier",
            "Aktiviteter: Samverkan med UF",
            "Aktiviteter, Organisation: Utbildningar, Kostnader (tkr), Kansli (heltidstjänster)",
        ]
    )


def test_without_a_pack_since_is_the_comparison_date_and_says_so(fixture_env):
    at = run()
    since = next(expander for expander in at.expander if expander.label.startswith("Sedan 30 mars 2026"))
    assert "sidofältet" in since.caption[0].value
    text = "\n".join(element.value for element in since.text)
    # Costs had no figure on 30 March (the first, 1 050, is dated 31 March) and moves away now:
    # bad news first. The newsletter went from at risk (6 300) to on track: better, after it.
    # What got worse and better first, above the goal table (issue 22); the values that moved
    # with the same status follow the table, in their own section.
    assert [element.value for element in since.markdown] == [
        "**1 mål har blivit sämre**",
        "**2 mål har blivit bättre**",
    ]
    assert text.startswith("• Kostnader (tkr): ? Uppgift saknas → ↘ Går åt fel håll")
    labels = [expander.label for expander in at.expander]
    assert labels.index(since.label) == 0 and "2 mål med nya värden, samma status" in labels
