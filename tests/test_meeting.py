"""The board's meeting view model (kpi.show.meeting): order, reasons, bars, the one "since", plurals.

On tests/fixtures/basic as of 2026-06-30 (its targets.yaml header has the statuses by hand).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.judge.rules import evaluate_all
from kpi.read.load import load_dataset
from kpi.show.meeting import (
    change_group,
    goal_rows,
    ordered_changes,
    parse_statuses,
    plural,
    since_changes,
    since_choice,
    status_query,
)
from kpi.show.packs import Change
from kpi.write import packs
from tests.support import FIXTURES

NBSP = "\u00a0"
AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def basic():
    return load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml")


def rows(dataset, lang="sv", when=AS_OF):
    return goal_rows(evaluate_all(dataset.config, dataset.series, when), dataset.config, lang)


def test_goals_needing_attention_come_first_worst_first(basic):
    order = [row.metric_id for row in rows(basic)]
    # moving away, off track, at risk, no data; then on track (newsletter pace 1.30 before the
    # milestone, which has no pace), then reached (office pace before the milestone).
    assert order == [
        "costs_sek",
        "social_followers",
        "trainings",
        "stores_local_food_pct",
        "newsletter_subscribers",
        "own_label",
        "office_fte",
        "uf_collaboration",
    ]
    assert [row.attention for row in rows(basic)] == [True] * 4 + [False] * 4


def test_the_reason_is_one_plain_sentence_with_the_numbers(basic):
    by_id = {row.metric_id: row for row in rows(basic)}
    social = by_id["social_followers"]
    # 10 400 on 31 May; expected 10 000 + 2 500 × 151/365 = 11 034.2; a trend of about 2,5 a day
    # (+150 every two months) needs 2 100 / 2,5 = 840 days from 31 May 2026: September 2028.
    # The plan's 11 034 is for the value's date (31 May), not the as-of date: the sentence says so.
    assert social.reason == (
        f"10{NBSP}400; enligt planen borde det vara 11{NBSP}034 den 31 maj 2026. "
        f"Med nuvarande takt nås 12{NBSP}500 i september 2028."
    )
    assert social.label == "✖ Efter plan"
    assert social.value_text == f"10{NBSP}400" and social.date_text == "31 maj 2026"
    assert social.target_text == f"12{NBSP}500 till 31 dec. 2026"
    assert "takt" not in by_id["newsletter_subscribers"].reason.split(";")[0]
    assert by_id["newsletter_subscribers"].reason == f"6{NBSP}900; enligt planen 6{NBSP}738 den 31 maj 2026."
    assert by_id["stores_local_food_pct"].reason == "Inga uppgifter till och med 30 juni 2026."
    assert by_id["uf_collaboration"].reason == "Klart 1 mars 2026."
    english = {row.metric_id: row for row in rows(basic, "en")}
    assert english["social_followers"].reason == (
        "10,400; by the plan it should be 11,034 on 31 May 2026. At the current pace 12,500 is reached in September 2028."
    )
    for row in rows(basic) + rows(basic, "en"):  # no ids, no jargon, no placeholders
        assert "{" not in row.reason and "_" not in row.reason and "takt 0" not in row.reason


def test_the_bar_runs_from_the_baseline_with_a_mark_where_the_value_should_be(basic):
    by_id = {row.metric_id: row for row in rows(basic)}
    social = by_id["social_followers"].bar
    # From the baseline 10 000 to 12 500: 400 / 2 500 = 0.16 of the way; the plan says 1 034.2 / 2 500.
    assert social.fraction == pytest.approx(0.16)
    assert social.expected == pytest.approx(1034.2466 / 2500, abs=1e-4)
    assert social.colour == "#cf222e"
    assert social.label == f"Från 10{NBSP}000 mot 12{NBSP}500: nu 10{NBSP}400, enligt planen 11{NBSP}034."
    # A decrease (costs 1 000 → 900) that went up to 1 050 is 0 of the way, not a negative bar.
    assert by_id["costs_sek"].bar.fraction == 0.0
    # A yearly count runs from 0 on 1 January: 2 of 6 trainings; expected 6 × 180/364 = 2.967.
    assert by_id["trainings"].bar.fraction == pytest.approx(2 / 6)
    assert by_id["trainings"].bar.expected == pytest.approx(6 * 180 / 364 / 6)
    assert by_id["uf_collaboration"].bar is None  # a milestone has no amount


def test_status_filter_in_the_url_form():
    assert parse_statuses("off_track,at_risk") == ["at_risk", "off_track"]
    assert parse_statuses("off_track, nonsense,,") == ["off_track"]
    assert parse_statuses(None) == [] and parse_statuses("") == []
    assert status_query(["off_track", "at_risk"]) == "at_risk,off_track"


def test_plural_forms_come_from_babel():
    assert plural("meeting.changes_comments", "sv", 1) == "1 kommentar från mötet"
    assert plural("meeting.changes_comments", "sv", 2) == "2 kommentarer från mötet"
    assert plural("meeting.changes_comments", "sv", 0) == "0 kommentarer från mötet"
    assert plural("meeting.changes_heading", "en", 1, since="Since 1 Jan") == "Since 1 Jan: 1 change"
    assert plural("meeting.changes_heading", "en", 3, since="Since 1 Jan") == "Since 1 Jan: 3 changes"


def test_since_is_the_sidebar_date_without_a_pack(basic):
    since = since_choice(basic.data_dir, AS_OF, dt.date(2026, 3, 30), "sv")
    assert since.pack is None and since.date == dt.date(2026, 3, 30)
    assert since.heading == "Sedan 30 mars 2026"
    assert "sidofältet" in since.note


def test_since_is_the_last_board_pack_before_the_as_of_date(copy_fixture):
    data_dir, targets = copy_fixture("basic")
    dataset = load_dataset(data_dir, targets)
    packs.save_pack(dataset, dt.date(2026, 3, 31), {"social_followers": "Kampanj i april"}, "Anna")
    packs.save_pack(dataset, dt.date(2026, 6, 30), {}, "Anna")  # on the as-of date: not "the last meeting"
    since = since_choice(data_dir, AS_OF, dt.date(2026, 1, 1), "sv")
    assert since.date == dt.date(2026, 3, 31)
    assert since.heading == "Sedan förra styrelsemötet, 31 mars 2026"
    assert "Styrelsemöte 31 mars 2026" in since.note
    now = evaluate_all(dataset.config, dataset.series, AS_OF)
    groups = since_changes(dataset, now, [], since, "sv")
    headings = [group.heading for group in groups]
    # Office 1,5 (off track) on 31 March → 2,0 (reached): better; the board's comment is listed.
    assert headings[0].endswith("kommentar från mötet")
    assert groups[0].lines == ["Följare i sociala medier: Kampanj i april"]
    better = next(group for group in groups if "bättre" in group.heading)
    assert "Kansli (heltidstjänster): ✖ Efter plan → ✔ Uppnått; 1,5 → 2,0 (+0,5)" in better.lines


def change(old: str | None, new: str, comment: str = "") -> Change:
    return Change(f"{old}-{new}", f"{old}→{new}", old, new, 1.0, 2.0, "", comment)


def test_changes_are_ordered_worse_then_comments_then_better():
    found = [
        change("at_risk", "on_track"),
        change("on_track", "on_track", comment="Ny kampanj"),
        change("on_track", "off_track"),
        change("reached", "at_risk"),
        change("on_track", "on_track"),
        change(None, "on_track"),
        change("no_data", "off_track"),
    ]
    result = ordered_changes(found)
    assert [(item.old_status, item.new_status) for item in result] == [
        ("on_track", "off_track"),  # worse, the worst new status first
        ("no_data", "off_track"),  # a first figure that needs attention is bad news
        ("reached", "at_risk"),
        ("on_track", "on_track"),  # the comment
        ("at_risk", "on_track"),  # better
        (None, "on_track"),  # a new goal
        ("on_track", "on_track"),  # only the value moved
    ]
    assert [change_group(item) for item in result] == [0, 0, 0, 1, 2, 2, 3]
