"""Plotly figures of a metric against its plan: the same figure on screen and in the reports.

No Streamlit here (the reports render these figures to PNG with kaleido). The expected path is
read off :func:`kpi.judge.rules.expected_latest` / :func:`kpi.judge.rules.expected_year_to_date` at its corner
dates, never re-derived, so the dashed line is exactly what the status rule compares with. Hover
texts are formatted in Python with :mod:`kpi.text.i18n` (plotly's d3 formats are English only), and the
axis separators follow the language (Swedish: space for thousands, comma for decimals).
"""

from __future__ import annotations

import datetime as dt
import html

import numpy as np
import plotly.graph_objects as go

from kpi.judge.rules import MetricStatus, expected_latest, expected_year_to_date, year_target
from kpi.model.dataset import Dataset
from kpi.show.status import STATUS_COLOURS
from kpi.show.style import FONT, LEGEND_BELOW, SEPARATORS, as_of_line
from kpi.show.views import format_estimate, format_value, series_until
from kpi.text.i18n import format_date, t

OBSERVED_COLOUR = "#1f4e3d"
EXPECTED_COLOUR = "#57606a"
TARGET_COLOUR = "#7d4e00"


def metric_figure(data: Dataset, status: MetricStatus, lang: str, title: bool = False, height: int = 440) -> go.Figure:
    """The metric's story: observations, the dashed expected path, targets, trend, the as-of line."""
    metric = status.metric
    if metric.kind_of.done_or_not:
        fig = _milestone_figure(status, lang)
    elif metric.aggregation == "year_to_date":
        fig = _year_to_date_figure(data, status, lang)
    else:
        fig = _latest_figure(data, status, lang)
    as_of_line(fig, status.as_of, lang)
    # Plotly acts on <b>, <a href> and <br> in titles: the name from targets.yaml is escaped to show as typed.
    name = html.escape(metric.display_name(lang))
    _layout(fig, lang, height, t("dashboard.chart_title", lang, name=name) if title else None)
    return fig


def _latest_figure(data: Dataset, status: MetricStatus, lang: str) -> go.Figure:
    metric = status.metric
    dates, values = series_until(data.series.get(metric.id), status.as_of)
    fig = go.Figure()
    xs_all: list[dt.date] = [status.as_of]
    if status.baseline is not None:
        corners = [status.baseline.date] + [
            target.date for target in metric.targets if target.date > status.baseline.date
        ]
        expected = [expected_latest(status.baseline, metric.targets, when) for when in corners]
        fig.add_trace(
            go.Scatter(
                x=corners,
                y=expected,
                mode="lines+markers",
                name=t("dashboard.chart_expected", lang),
                line=dict(color=EXPECTED_COLOUR, dash="dash", width=2),
                marker=dict(size=5, color=EXPECTED_COLOUR),
                hovertext=[
                    f"{t('dashboard.chart_expected', lang)} {format_date(when, lang)}: {format_estimate(metric, value, lang)}"
                    for when, value in zip(corners, expected)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        xs_all += corners
    _observed_trace(fig, metric, dates, values, lang, t("dashboard.chart_observed", lang))
    xs_all += [when.astype(dt.date) for when in dates[:1]]
    _target_trace(fig, status, lang)
    xs_all += [target.date for target in status.targets]
    if status.trend is not None and status.next_target is not None:
        end = max(status.next_target.date, status.as_of)
        _trend_trace(fig, status, status.trend.first, end, lang)
    _date_ticks(fig, min(xs_all), max(xs_all), lang)
    return fig


def _year_to_date_figure(data: Dataset, status: MetricStatus, lang: str) -> go.Figure:
    metric = status.metric
    year = status.as_of.year
    goal = year_target(metric.targets, year, status.as_of)
    start = dt.date(year, 1, 1)
    dates, values = series_until(data.series.get(metric.id), status.as_of)
    in_year = dates >= np.datetime64(start)
    run_dates = np.concatenate(([np.datetime64(start)], dates[in_year])).astype("datetime64[D]")
    run_values = np.concatenate(([0.0], np.cumsum(values[in_year])))
    fig = go.Figure()
    corners = [start, goal.date]
    expected = [expected_year_to_date(goal, when) for when in corners]
    fig.add_trace(
        go.Scatter(
            x=corners,
            y=expected,
            mode="lines",
            name=t("dashboard.chart_expected", lang),
            line=dict(color=EXPECTED_COLOUR, dash="dash", width=2),
            hovertext=[
                f"{t('dashboard.chart_expected', lang)} {format_date(when, lang)}: {format_estimate(metric, value, lang)}"
                for when, value in zip(corners, expected)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    _observed_trace(fig, metric, run_dates, run_values, lang, t("dashboard.chart_running_total", lang), shape="hv")
    fig.add_trace(
        go.Scatter(
            x=[goal.date],
            y=[goal.value],
            mode="markers",
            name=t("dashboard.chart_target", lang),
            marker=dict(symbol="diamond", size=14, color=TARGET_COLOUR, line=dict(color="white", width=1)),
            hovertext=[
                t(
                    "dashboard.chart_hover_target",
                    lang,
                    date=format_date(goal.date, lang),
                    value=format_value(metric, goal.value, lang),
                )
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    if status.trend is not None:
        _trend_trace(fig, status, start, goal.date, lang)
    _date_ticks(fig, start, max(goal.date, status.as_of), lang)
    return fig


def _milestone_figure(status: MetricStatus, lang: str) -> go.Figure:
    metric = status.metric
    fig = go.Figure()
    due = metric.due_date
    fig.add_trace(
        go.Scatter(
            x=[due],
            y=[1],
            mode="markers+text",
            name=t("dashboard.chart_due", lang),
            text=[f"{t('dashboard.chart_due', lang)} {format_date(due, lang)}"],
            textposition="top center",
            marker=dict(symbol="diamond", size=16, color=TARGET_COLOUR),
            hovertext=[f"{t('dashboard.chart_due', lang)}: {format_date(due, lang)}"],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    first = min(due, status.as_of)
    if status.done_date is not None:
        colour = STATUS_COLOURS["reached"]
        fig.add_trace(
            go.Scatter(
                x=[status.done_date],
                y=[1],
                mode="markers+text",
                name=t("dashboard.chart_done", lang),
                text=[f"✔ {t('dashboard.chart_done', lang)} {format_date(status.done_date, lang)}"],
                textposition="bottom center",
                marker=dict(symbol="circle", size=16, color=colour),
                hovertext=[f"{t('dashboard.chart_done', lang)}: {format_date(status.done_date, lang)}"],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        first = min(first, status.done_date)
    fig.update_yaxes(visible=False, range=[0.5, 1.5])
    _date_ticks(fig, first - dt.timedelta(days=30), max(due, status.as_of) + dt.timedelta(days=30), lang)
    return fig


def _observed_trace(
    fig: go.Figure, metric, dates: np.ndarray, values: np.ndarray, lang: str, name: str, shape: str = "linear"
) -> None:
    xs = [when.astype(dt.date) for when in dates]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[float(v) for v in values],
            mode="lines+markers",
            name=name,
            line=dict(color=OBSERVED_COLOUR, width=3, shape=shape),
            marker=dict(size=8, color=OBSERVED_COLOUR),
            hovertext=[
                f"{format_date(when, lang)}: {format_value(metric, float(value), lang)}"
                for when, value in zip(xs, values)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )


def _target_trace(fig: go.Figure, status: MetricStatus, lang: str) -> None:
    metric = status.metric
    if not status.targets:
        return
    texts = []
    for target in status.targets:
        text = t(
            "dashboard.chart_hover_target",
            lang,
            date=format_date(target.date, lang),
            value=format_value(metric, target.value, lang),
        )
        if target.met is True:
            text += " " + t("dashboard.target_met", lang)
        elif target.met is False:
            text += " " + t("dashboard.target_not_met", lang)
        texts.append(text)
    fig.add_trace(
        go.Scatter(
            x=[target.date for target in status.targets],
            y=[target.value for target in status.targets],
            mode="markers",
            name=t("dashboard.chart_target", lang),
            marker=dict(symbol="diamond", size=14, color=TARGET_COLOUR, line=dict(color="white", width=1)),
            hovertext=texts,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )


def _trend_trace(fig: go.Figure, status: MetricStatus, start: dt.date, end: dt.date, lang: str) -> None:
    trend = status.trend
    if trend is None:
        return
    xs = [start, end]
    ys = [trend.at(start), trend.at(end)]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            name=t("dashboard.chart_trend", lang),
            line=dict(color=STATUS_COLOURS[status.status], dash="dot", width=2),
            hovertext=[
                f"{t('dashboard.chart_trend', lang)} {format_date(when, lang)}: {format_estimate(status.metric, value, lang)}"
                for when, value in zip(xs, ys)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )


def date_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """Tick dates: quarters over two years or less, otherwise 1 January of each year."""
    ticks: list[dt.date] = []
    if (last - first).days <= 2 * 366:
        year, month = first.year, ((first.month - 1) // 3) * 3 + 1
        while dt.date(year, month, 1) <= last and len(ticks) < 40:
            ticks.append(dt.date(year, month, 1))
            month += 3
            if month > 12:
                year, month = year + 1, month - 12
    else:
        ticks = [dt.date(year, 1, 1) for year in range(first.year, last.year + 2)][:40]
    return ticks


# At most this many labelled ticks: on a phone (390 px) the plot is about 330 px wide, and seven
# years ("2026") or four quarters ("okt. 2026") fit side by side without clipping or touching.
MAX_YEAR_LABELS = 7
MAX_QUARTER_LABELS = 4


def _thin(ticks: list[dt.date], most: int) -> list[dt.date]:
    """Every n-th tick, so that at most ``most`` remain, counted from the end (the as-of side)."""
    step = max(1, -(-len(ticks) // most))
    return ticks[::-1][::step][::-1]


def _date_ticks(fig: go.Figure, first: dt.date, last: dt.date, lang: str) -> None:
    ticks = date_ticks(first, last)
    quarterly = len(ticks) > 1 and (ticks[1] - ticks[0]).days < 200
    labelled = _thin(ticks, MAX_QUARTER_LABELS if quarterly else MAX_YEAR_LABELS)
    labels = [format_date(tick, lang, "MMM y") if quarterly else str(tick.year) for tick in labelled]
    pad = max(10, (last - first).days // 30)
    fig.update_xaxes(
        tickvals=labelled,
        ticktext=labels,
        tickangle=0,
        automargin=True,
        minor=dict(tickvals=ticks, showgrid=True, gridcolor="#f3f5f7"),
        range=[first - dt.timedelta(days=pad), last + dt.timedelta(days=pad)],
    )


def _layout(fig: go.Figure, lang: str, height: int, title: str | None) -> None:
    fig.update_layout(
        height=height,
        separators=SEPARATORS.get(lang, ".,"),
        font=FONT,
        template="plotly_white",
        margin=dict(l=10, r=10, t=60 if title else 36, b=110),  # the legend stacks on a phone: four rows
        hovermode="closest",
        # Below the plot, from the figure's left edge (not the plot's), wrapping on a phone.
        legend=LEGEND_BELOW,
        title=dict(text=title) if title else None,
    )
    # "," groups thousands with the layout's separator ("11 000" in Swedish), never "11k".
    fig.update_yaxes(gridcolor="#d0d7de", zeroline=False, tickformat=",", exponentformat="none")
    fig.update_xaxes(gridcolor="#eaeef2")
