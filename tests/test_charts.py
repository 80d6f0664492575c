"""kpi/charts.py: the metric figure shows exactly the rule's expected path, targets, trend and as-of line."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.judge.rules import evaluate_all
from kpi.read.load import load_dataset
from kpi.show.charts import date_ticks, metric_figure
from tests.support import FIXTURES, d

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml", today=d("2026-11-23"))


def status_of(data, metric_id: str, when: str):
    return {item.id: item for item in evaluate_all(data.config, data.series, d(when))}[metric_id]


def traces(fig) -> dict:
    return {trace.name: trace for trace in fig.data}


def day(value) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def test_latest_metric_figure_in_swedish(data):
    fig = metric_figure(data, status_of(data, "newsletter_subscribers", "2026-06-30"), "sv")
    by_name = traces(fig)
    assert set(by_name) == {"Förväntad väg", "Uppmätt", "Mål", "Trend"}
    expected = by_name["Förväntad väg"]
    # Baseline 6 200 (2025-12-31) → 7 500 (2026-12-31) → 11 000 (2030-12-31), dashed.
    assert [day(x) for x in expected.x] == [d("2025-12-31"), d("2026-12-31"), d("2030-12-31")]
    assert list(expected.y) == [6200, 7500, 11000]
    assert expected.line.dash == "dash"
    observed = by_name["Uppmätt"]
    assert list(observed.y) == [6300, 6550, 6900]
    assert observed.hovertext[-1] == f"31 maj 2026: 6{NBSP}900"
    assert list(by_name["Mål"].y) == [7500, 11000]
    assert by_name["Mål"].hovertext[0] == f"Mål 31 dec. 2026: 7{NBSP}500"
    assert by_name["Trend"].line.dash == "dot"
    assert fig.layout.separators == ", "
    as_of_lines = [shape for shape in fig.layout.shapes if shape.x0 == shape.x1]
    assert [day(shape.x0) for shape in as_of_lines] == [d("2026-06-30")]
    assert fig.layout.annotations[0].text == "Läge per 30 juni 2026"
    assert fig.layout.yaxis.tickformat == ","


def test_only_observations_up_to_the_as_of_date_are_drawn(data):
    fig = metric_figure(data, status_of(data, "newsletter_subscribers", "2026-04-30"), "en")
    by_name = traces(fig)
    assert list(by_name["Observed"].y) == [6300, 6550]
    assert "Trend" not in by_name  # two points: too few for a trend (at least three)
    assert fig.layout.separators == ".,"
    assert by_name["Observed"].hovertext[-1] == "31 Mar 2026: 6,550"


def test_year_to_date_figure_is_this_years_running_total(data):
    fig = metric_figure(data, status_of(data, "trainings", "2026-06-30"), "sv")
    by_name = traces(fig)
    assert list(by_name["Summa hittills i år"].y) == [0, 1, 2]
    expected = by_name["Förväntad väg"]
    assert [day(x) for x in expected.x] == [d("2026-01-01"), d("2026-12-31")]
    assert list(expected.y) == [0, 6]
    assert list(by_name["Mål"].y) == [6]


def test_milestone_figure_shows_due_and_done(data):
    fig = metric_figure(data, status_of(data, "uf_collaboration", "2026-06-30"), "sv")
    by_name = traces(fig)
    assert [day(x) for x in by_name["Senast"].x] == [d("2026-12-31")]
    assert [day(x) for x in by_name["Klart"].x] == [d("2026-03-01")]
    open_fig = metric_figure(data, status_of(data, "own_label", "2026-06-30"), "en")
    assert set(traces(open_fig)) == {"Due"}


def test_metric_without_data_still_draws_its_plan(data):
    fig = metric_figure(data, status_of(data, "stores_local_food_pct", "2026-06-30"), "sv", title=True)
    by_name = traces(fig)
    assert list(by_name["Förväntad väg"].y) == [60, 80]
    assert len(by_name["Uppmätt"].y) == 0
    assert fig.layout.title.text == "Butiker med lokala livsmedel: utveckling mot målen"


def test_date_ticks():
    assert date_ticks(d("2026-02-10"), d("2026-11-30")) == [
        d("2026-01-01"),
        d("2026-04-01"),
        d("2026-07-01"),
        d("2026-10-01"),
    ]
    assert date_ticks(d("2025-12-31"), d("2030-12-31"))[:2] == [d("2025-01-01"), d("2026-01-01")]


def test_the_chart_toolbar_is_in_the_users_language():
    """Plotly's toolbar hints come from the translation table in Swedish; English keeps plotly's own."""
    from kpi.show.style import _PLOTLY_STRINGS, chart_config

    swedish = chart_config("sv")
    dictionary = swedish["locales"]["sv"]["dictionary"]
    assert swedish["locale"] == "sv" and set(dictionary) == set(_PLOTLY_STRINGS)
    assert dictionary["Download plot as a PNG"] == "Ladda ner diagrammet som PNG"
    assert all(value and value != key for key, value in dictionary.items())  # each one translated
    assert "locales" not in chart_config("en") and chart_config("en")["displaylogo"] is False
