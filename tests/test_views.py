"""The dashboard's view-model (kpi/views.py) on tests/fixtures/basic, numbers worked out by hand.

Statuses as of 2026-06-30 are listed in the fixture's targets.yaml header; the cards' texts and
progress fractions below are computed from its CSV files.
"""

from __future__ import annotations

import pytest

from kpi.judge.rules import evaluate_all
from kpi.read.load import load_dataset
from kpi.show.views import (
    card,
    cards,
    changes,
    file_rows,
    forecast_text,
    format_value,
    group_by_area,
    observation_table,
    progress_fraction,
    rule_lines,
    sparkline_values,
    summary_counts,
    target_rows,
)
from tests.support import FIXTURES, d, metric

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml", today=d("2026-11-23"))


def at(data, when: str) -> dict:
    return {item.id: item for item in evaluate_all(data.config, data.series, d(when))}


def test_summary_counts_as_of_june(data):
    counts = {item.status: item.count for item in summary_counts(list(at(data, "2026-06-30").values()), "sv")}
    # reached: office_fte, uf_collaboration; on_track: newsletter, own_label; one of each other status.
    assert counts == {"reached": 2, "on_track": 2, "at_risk": 1, "off_track": 1, "moving_away": 1, "no_data": 1}
    labels = [item.label for item in summary_counts(list(at(data, "2026-06-30").values()), "en")]
    assert labels[:2] == ["✔ Reached", "↗ On track"]


def test_summary_strip_keeps_the_four_main_statuses_at_zero(data):
    only_newsletter = [at(data, "2026-06-30")["newsletter_subscribers"]]
    counts = {item.status: item.count for item in summary_counts(only_newsletter, "sv")}
    assert counts == {"reached": 0, "on_track": 1, "at_risk": 0, "off_track": 0}


def test_newsletter_card_in_swedish_and_english(data):
    now = at(data, "2026-06-30")["newsletter_subscribers"]
    before = at(data, "2026-03-31")["newsletter_subscribers"]
    change = changes([before], [now])["newsletter_subscribers"]
    assert change == 6900 - 6550
    sv = card(now, "sv", change, d("2026-03-31"), data.series["newsletter_subscribers"])
    assert sv.value_text == f"6{NBSP}900"
    assert sv.date_text == "per 31 maj 2026"
    assert sv.status_label == "↗ På väg"
    assert sv.change_text == "+350" and sv.change_good is True
    assert sv.compare_text == "sedan 31 mars 2026"
    assert [(p.year, p.text) for p in sv.progress] == [
        (2026, f"Mål 2026: 6{NBSP}900 av 7{NBSP}500"),
        (2030, f"Mål 2030: 6{NBSP}900 av 11{NBSP}000"),
    ]
    assert sv.progress[0].fraction == pytest.approx(6900 / 7500)
    assert sv.progress[1].fraction == pytest.approx(6900 / 11000)
    assert sv.sparkline == [6300, 6550, 6900]
    assert sv.explanation == f"På väg: 6{NBSP}900 mot förväntat 6{NBSP}738, takt 1,30."
    en = card(now, "en", change, d("2026-03-31"))
    assert en.value_text == "6,900" and en.date_text == "as of 31 May 2026"
    assert en.progress[0].text == "2026 target: 6,900 of 7,500"


def test_decreasing_metric_progress_and_missing_comparison(data):
    now = at(data, "2026-06-30")["costs_sek"]
    # The first cost value is dated 2026-03-31: on 2026-01-01 there is nothing to compare with.
    assert changes(evaluate_all(data.config, data.series, d("2026-01-01")), [now]) == {"costs_sek": None}
    view = card(now, "sv")
    assert view.value_text == f"1{NBSP}050" and view.status == "moving_away"
    # From 1 000 toward 900, at 1 050: (1000 − 1050) / (1000 − 900) = −0.5, shown as 0.
    assert [p.fraction for p in view.progress] == [0.0]
    assert view.change is None and view.change_text == ""


def test_a_rise_in_costs_is_a_change_the_wrong_way(data):
    metric_costs = data.config.metric("costs_sek")
    assert progress_fraction(metric_costs, 950, 900, 1000) == pytest.approx(0.5)
    view = card(at(data, "2026-06-30")["costs_sek"], "sv", change=50.0)
    assert view.change_text == "+50" and view.change_good is False


def test_year_to_date_card_counts_this_year(data):
    view = card(at(data, "2026-06-30")["trainings"], "sv", series=data.series["trainings"])
    assert view.value_text == "2" and view.status == "at_risk"
    assert view.date_text == "hittills i år, senast 20 maj 2026"
    assert [(p.year, p.text) for p in view.progress] == [(2026, "Mål 2026: 2 av 6")]
    assert view.progress[0].fraction == pytest.approx(2 / 6)
    # Running total from 0 on 1 January: 1 on 15 Feb, 2 on 20 May (1 Sep is after the as-of date).
    assert view.sparkline == [0, 1, 2]


def test_decimals_and_milestones(data):
    june = at(data, "2026-06-30")
    fte = card(june["office_fte"], "sv")
    assert fte.value_text == "2,0"
    # Only a 2030 target: 2,0 already meets it, so the bar is full though the date is ahead.
    assert [(p.text, p.fraction, p.met) for p in fte.progress] == [("Mål 2030: 2,0 av 2,0", 1.0, None)]
    done = card(june["uf_collaboration"], "sv")
    assert (done.value_text, done.date_text, done.progress) == ("Klart", "klart 1 mars 2026", [])
    open_ = card(june["own_label"], "en")
    assert (open_.value_text, open_.date_text) == ("Not done", "due 31 Dec 2030")
    assert changes([june["uf_collaboration"]], [june["uf_collaboration"]]) == {"uf_collaboration": None}
    nothing = card(june["stores_local_food_pct"], "sv")
    assert (nothing.value_text, nothing.date_text, nothing.status_label) == (
        "–",
        "inget värde ännu",
        "? Uppgift saknas",
    )


def test_stale_mark(data):
    # costs_sek is quarterly (135 days): 2026-03-31 → 2026-06-30 is 91 days, → 2026-09-01 is 154.
    assert card(at(data, "2026-06-30")["costs_sek"], "sv").stale is False
    stale = card(at(data, "2026-09-01")["costs_sek"], "sv")
    assert stale.stale is True
    assert stale.stale_text == "⏰ Inaktuell: senaste värdet är från 31 mars 2026"


def test_past_target_shows_the_value_it_was_judged_on(data):
    later = at(data, "2027-01-15")["newsletter_subscribers"]
    view = card(later, "sv")
    # 2026 target passed: judged on 6 900 (31 May), 7 500 not met; the 2030 target is still ahead.
    assert view.progress[0].text == f"Mål 2026: ✖ ej nått (6{NBSP}900 av 7{NBSP}500)"
    assert view.progress[0].met is False
    assert view.stale is True
    rows = target_rows(later, "sv")
    assert [(r.date_text, r.target_text, r.met_text, r.value_text) for r in rows] == [
        ("31 dec. 2026", f"7{NBSP}500", "✖ nej", f"6{NBSP}900"),
        ("31 dec. 2030", f"11{NBSP}000", "avgörs på datumet", "–"),
    ]


def test_group_in_config_order(data):
    june = list(at(data, "2026-06-30").values())
    groups = group_by_area(data.config, june, "en")
    assert [(area, name, len(items)) for area, name, items in groups] == [
        ("communication", "Communication", 2),
        ("activities", "Activities", 2),
        ("organisation", "Organisation", 4),
    ]


def test_cards_compute_change_from_a_second_run(data):
    june = list(at(data, "2026-06-30").values())
    views = {view.metric_id: view for view in cards(data, june, "sv", d("2026-03-31"))}
    assert views["social_followers"].change == 10400 - 10250
    assert views["trainings"].change == 2 - 1  # year sums: 2 by June, 1 by March
    assert views["office_fte"].change_text == "+0,5"  # 2,0 − 1,5


def test_observation_table_marks_rows_after_the_as_of_date(data):
    rows = observation_table(data, "newsletter_subscribers", d("2026-04-30"), "sv")
    assert [(r["Datum"], r["Värde"], r["Anteckning"], r["Fil"], r["Rad"]) for r in rows] == [
        ("2026-05-31 (efter valt datum)", f"6{NBSP}900", "Kampanj i maj", "data/metrics/communication.csv", "4"),
        ("2026-03-31", f"6{NBSP}550", "", "data/metrics/communication.csv", "3"),
        ("2026-01-31", f"6{NBSP}300", "", "data/metrics/communication.csv", "2"),
    ]
    assert observation_table(data, "stores_local_food_pct", d("2026-04-30"), "sv") == []


def test_forecast_sentence(data):
    june = at(data, "2026-06-30")
    text = forecast_text(june["newsletter_subscribers"], "sv")
    # Needed: (7 500 − 6 900) / (214 days / 30.4) = 85.2 a month.
    assert "Det behövs +85 per månad" in text
    assert forecast_text(june["office_fte"], "sv") == ""  # reached: nothing to forecast


def test_rule_lines_show_the_thresholds_in_force(data):
    lines = rule_lines(data.config, "sv")
    assert any("minst 95 %" in line for line in lines)
    assert any("60–95 %" in line for line in lines)
    assert lines[0].startswith("**✔ Uppnått**")


def test_file_rows(data):
    rows = {row["File"]: row for row in file_rows(data, "en")}
    assert set(rows) == {
        "data/metrics/communication.csv",
        "data/metrics/milestones.csv",
        "data/metrics/organisation.csv",
    }
    assert rows["data/metrics/organisation.csv"]["Encoding"] == "Windows-1252"
    assert rows["data/metrics/organisation.csv"]["Separator"] == "semicolon"
    assert rows["data/metrics/communication.csv"]["Rows"] == "6"


def test_percent_values_and_sparklines_of_milestones():
    share = metric(unit="percent", targets=[{"date": "2030-12-31", "value": 80}])
    assert format_value(share, 62.5, "sv") == "62,5 %"
    assert format_value(share, 62.5, "en") == "62.5%"
    milestone = metric(kind="milestone", due="2026-12-31")
    assert sparkline_values(milestone, None, d("2026-06-30")) == []


def test_views_do_not_import_streamlit():
    import kpi.show.charts
    import kpi.show.views

    for module in (kpi.show.views, kpi.show.charts):
        source = open(module.__file__, encoding="utf-8").read()
        assert "import streamlit" not in source and "from streamlit" not in source


def test_area_summary_lists_only_the_statuses_it_has(data):
    communication = [item for item in at(data, "2026-06-30").values() if item.metric.area == "communication"]
    assert [(item.status, item.count) for item in summary_counts(communication, "sv", always=())] == [
        ("on_track", 1),
        ("off_track", 1),
    ]
