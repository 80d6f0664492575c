"""What moved, as the board reads it (issue 22): across New Year a yearly count is neither better
nor worse, and the numbers of a change add up as printed."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.judge.rules import evaluate, evaluate_all
from kpi.read.load import load_dataset
from kpi.show.meeting import Since, reason, same_day_last_year, since_changes
from kpi.show.views import as_shown, changes, format_estimate
from tests.support import FIXTURES, d, metric, series


@pytest.fixture(scope="module")
def basic():
    return load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml")


def since(date: str) -> Since:
    return Since(d(date), None, "", "")


def test_a_yearly_count_across_new_year_is_neither_better_nor_worse(basic):
    before = evaluate_all(basic.config, basic.series, d("2026-12-31"))
    now = evaluate_all(basic.config, basic.series, d("2027-02-20"))
    groups = since_changes(basic, now, before, since("2026-12-31"), "sv")
    lines = {group.heading: group.lines for group in groups}
    # Trainings: 3 in 2026 (15 Feb, 20 May, 1 Sep); 0 so far in 2027; on 2026-02-20 it was 1.
    assert lines["1 årsräkning har börjat om"] == [
        "Utbildningar: nytt år; 0 hittills 2027 (1 vid samma tid 2026); ✖ Efter plan"
    ]
    for heading, texts in lines.items():
        if "bättre" in heading or "sämre" in heading:
            assert not any(text.startswith("Utbildningar") for text in texts), heading
    # The cards show no "−3" for it either.
    assert changes(before, now)["trainings"] is None
    # Inside one year a yearly count changes as before.
    mid = evaluate_all(basic.config, basic.series, d("2026-06-30"))
    autumn = evaluate_all(basic.config, basic.series, d("2026-09-30"))
    assert changes(mid, autumn)["trainings"] == 1  # 2 on 30 June, 3 on 30 September


def test_the_same_point_of_the_previous_year():
    assert same_day_last_year(dt.date(2027, 2, 20)) == dt.date(2026, 2, 20)
    assert same_day_last_year(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


SHARE = metric(
    id="share",
    name={"sv": "Andel", "en": "Share"},
    unit="%",
    baseline={"date": "2025-12-31", "value": 10},
    targets=[{"date": "2030-12-31", "value": 50}],
)


def test_a_change_adds_up_as_printed(basic):
    # 17,75 → 17,44: printed 17,8 → 17,4, so the change printed is −0,4 (it read −0,3).
    before = [evaluate(SHARE, series(("2026-03-01", 17.75)), d("2026-03-31"))]
    now = [evaluate(SHARE, series(("2026-03-01", 17.75), ("2026-06-01", 17.44)), d("2026-06-30"))]
    lines = [line for group in since_changes(basic, now, before, since("2026-03-31"), "sv") for line in group.lines]
    assert lines == ["Andel: 17,8 → 17,4 (−0,4)"]
    assert changes(before, now)["share"] == pytest.approx(-0.4)
    assert as_shown(17.75, 1) == 17.8 and as_shown(17.45, 1) == 17.4  # half to even, as babel prints


def test_a_change_too_small_to_see_is_not_listed(basic):
    before = [evaluate(SHARE, series(("2026-03-01", 17.44)), d("2026-03-31"))]
    now = [evaluate(SHARE, series(("2026-03-01", 17.44), ("2026-06-01", 17.41)), d("2026-06-30"))]
    before[0].status = now[0].status
    assert since_changes(basic, now, before, since("2026-03-31"), "sv") == []


NEW_MEMBERS = metric(
    id="members_new",
    unit="members",
    aggregation="year_to_date",
    targets=[{"date": "2026-12-31", "value": 20}],
)


def test_a_count_never_shows_a_decimal():
    # 2026-11-10: 313 of 364 days → 20 × 313 / 364 = 17.2 → 17 whole members due; 14 → 0.82, at risk.
    result = evaluate(NEW_MEMBERS, series(("2026-03-01", 10), ("2026-09-01", 4)), d("2026-11-10"))
    assert (result.expected, result.status) == (17, "at_risk")
    assert reason(result, "sv").startswith("14; enligt planen borde det vara 17 nu.")
    assert format_estimate(NEW_MEMBERS, 18.4, "sv") == "18"
    assert format_estimate(SHARE, 18.44, "sv") == "18,4 %"


def test_a_carried_yearly_target_says_whose_it_is(basic):
    from kpi.show.meeting import goal_rows

    # trainings: 6 by 2026-12-31 only; in 2027 the rule carries it to 2027-12-31.
    rows = {
        row.metric_id: row
        for row in goal_rows(evaluate_all(basic.config, basic.series, d("2027-03-01")), basic.config, "sv")
    }
    assert rows["trainings"].target_text == "6 till 31 dec. 2027 (samma som 2026)"
    own = {
        row.metric_id: row
        for row in goal_rows(evaluate_all(basic.config, basic.series, d("2026-06-30")), basic.config, "en")
    }
    assert own["trainings"].target_text == "6 by 31 Dec 2026"


def test_one_progress_bar_on_the_overview_and_the_cards(basic):
    from kpi.model.status import status as status_of
    from kpi.show.meeting import goal_rows
    from kpi.show.views import cards

    now = evaluate_all(basic.config, basic.series, d("2026-06-30"))
    card = next(view for view in cards(basic, now, "sv") if view.metric_id == "social_followers")
    row = next(row for row in goal_rows(now, basic.config, "sv") if row.metric_id == "social_followers")
    # Baseline 10 000, target 12 500, value 10 400: 400 / 2 500 = 0.16 of the way (the card's old bar
    # was 10 400 / 12 500 = 0.83 full, and green); the plan's 11 034 is at 1 034 / 2 500 = 0.4136.
    assert card.bar == row.bar
    assert card.bar is not None and card.bar.fraction == pytest.approx(0.16)
    assert card.bar.expected == pytest.approx(1034 / 2500)
    assert card.bar.colour == status_of("off_track").colour


def test_presentation_dates_win_over_the_tables_own_size():
    from ui.meeting import PRESENT_CSS, TABLE_CSS

    # The goal table's CSS is written after the presentation's, so only !important makes the
    # dates large enough for a projector (they stayed at 0.85rem).
    assert "table.kpi-goals .kpi-date{font-size:0.85rem}" in TABLE_CSS
    assert "table.kpi-goals .kpi-date{font-size:1.25rem !important}" in PRESENT_CSS
