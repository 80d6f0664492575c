"""Plotly figures of the registers: members over time, joins and leavers, the activity calendar,
attendance, and project milestones on a timeline.

No Streamlit here (reports render the same figures to images). The figures take the plain
DataFrames of :mod:`kpi.read.registers`, so what a chart shows is exactly what the tables beside it list.
Every status is carried by a symbol and a word in the legend or label as well as by colour.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pandas as pd
import plotly.graph_objects as go

from kpi.model.dataset import Dataset
from kpi.model.values import is_missing
from kpi.read.vocab import ACTIVITY_TYPES, LEAVE_REASONS
from kpi.show.listings import package_name, project_name
from kpi.show.registers import milestone_name
from kpi.show.style import FONT, LEGEND_BELOW, SEPARATORS, as_of_line
from kpi.text.i18n import format_date, format_number, t

MEMBERS_COLOUR = "#1f4e3d"
JOINED_COLOUR = "#2da44e"
REASON_COLOURS = {"closed": "#6e7781", "retired": "#8c959f", "sold": "#afb8c1", "merged": "#57606a", "other": "#cf222e"}
MILESTONE_STYLE = {  # status: (colour, marker symbol)
    "done": ("#1a7f37", "circle"),
    "overdue": ("#cf222e", "x"),
    "open": ("#2f81f7", "circle-open"),
}
ACTIVITY_STYLE = {
    "done": ("#1a7f37", "circle"),
    "upcoming": ("#2f81f7", "circle-open"),
    "unconfirmed": ("#bf8700", "diamond-open"),
}


def layout(fig: go.Figure, lang: str, height: int = 380, legend: bool = True) -> go.Figure:
    """The house look: white, readable fonts, separators in the chosen language, legend below."""
    fig.update_layout(
        height=height,
        separators=SEPARATORS.get(lang, ".,"),
        font=FONT,
        template="plotly_white",
        # Room at the bottom for the legend: on a phone its entries stack (three rows).
        margin=dict(l=10, r=10, t=36, b=96 if legend else 10),
        hovermode="closest",
        showlegend=legend,
        legend=LEGEND_BELOW,
    )
    fig.update_yaxes(gridcolor="#d0d7de", zeroline=False, exponentformat="none")
    fig.update_xaxes(gridcolor="#eaeef2")
    return fig


def _half_year_ticks(fig: go.Figure, dates: list[dt.date], lang: str) -> None:
    """Ticks on 1 January and 1 July, labelled in the chosen language ("jan. 2026")."""
    first, last = min(dates), max(dates)
    ticks = [dt.date(year, month, 1) for year in range(first.year, last.year + 2) for month in (1, 7)]
    ticks = [tick for tick in ticks if first - dt.timedelta(days=200) <= tick <= last + dt.timedelta(days=200)]
    pad = max(20, (last - first).days // 25)
    fig.update_xaxes(
        tickvals=ticks,
        ticktext=[format_date(tick, lang, "MMM y") for tick in ticks],
        range=[first - dt.timedelta(days=pad), last + dt.timedelta(days=pad)],
    )


# --- members -----------------------------------------------------------------------------------


def members_over_time_figure(counts: pd.DataFrame, lang: str) -> go.Figure:
    """Members at each month end (a step line: the count holds until someone joins or leaves)."""
    fig = go.Figure(
        go.Scatter(
            x=list(counts["date"]),
            y=list(counts["members"]),
            mode="lines+markers",
            line_shape="hv",
            name=t("registers.chart_members", lang),
            line=dict(color=MEMBERS_COLOUR, width=3),
            marker=dict(size=6, color=MEMBERS_COLOUR),
            hovertext=[
                t(
                    "registers.hover_members",
                    lang,
                    date=format_date(d, lang),
                    members=format_number(m, lang),
                    joined=format_number(j, lang),
                    left=format_number(left, lang),
                )
                for d, m, j, left in zip(counts["date"], counts["members"], counts["joined"], counts["left"])
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    fig.update_yaxes(tickformat=",")
    if len(counts):
        _half_year_ticks(fig, list(counts["date"]), lang)
    return layout(fig, lang, legend=False)


def member_changes_figure(by_year: pd.DataFrame, lang: str) -> go.Figure:
    """Per year, side by side: joins, and leavers stacked by reason; each bar topped by its total."""
    fig = go.Figure()
    years = sorted({int(year) for year in by_year["year"]}) if len(by_year) else []
    xs = [str(year) for year in years]
    joined = by_year[by_year["change"] == "joined"].set_index("year")["members"]
    joined_counts = [int(joined.get(year, 0)) for year in years]
    fig.add_trace(
        go.Bar(
            x=xs,
            y=joined_counts,
            name=t("registers.change.joined", lang),
            marker_color=JOINED_COLOUR,
            offsetgroup="joined",
            text=[format_number(n, lang) for n in joined_counts],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y}<extra>" + t("registers.change.joined", lang) + "</extra>",
        )
    )
    left = by_year[by_year["change"] == "left"]
    base = [0] * len(years)
    reasons = [reason for reason in LEAVE_REASONS if not left[left["reason"] == reason].empty]
    for position, reason in enumerate(reasons):
        counts = left[left["reason"] == reason].set_index("year")["members"]
        values = [int(counts.get(year, 0)) for year in years]
        label = t("registers.chart_left_reason", lang, reason=t("registers.leave_reason." + reason, lang))
        top = position == len(reasons) - 1
        fig.add_trace(
            go.Bar(
                x=xs,
                y=values,
                base=list(base),
                name=label,
                offsetgroup="left",
                marker_color=REASON_COLOURS[reason],
                marker_pattern_shape="/" if reason == "other" else "",
                # The stack's total on top of it: the reasons are in the legend, the hover and the table.
                text=[format_number(b + v, lang) if top else "" for b, v in zip(base, values)],
                textposition="outside",
                cliponaxis=False,
                hovertext=[f"{label}: {format_number(v, lang)}" for v in values],
                hovertemplate="%{x}: %{hovertext}<extra></extra>",
            )
        )
        base = [b + v for b, v in zip(base, values)]
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero", tickformat=",")
    return layout(fig, lang)


def members_by_figure(counts: pd.DataFrame, column: str, lang: str) -> go.Figure:
    """Members per category or municipality as labelled horizontal bars, largest on top."""
    labels = [t("registers.category." + value, lang) if column == "category" else value for value in counts[column]]
    values = [int(value) for value in counts["members"]]
    fig = go.Figure(
        go.Bar(
            x=values[::-1],
            y=labels[::-1],
            orientation="h",
            marker_color=MEMBERS_COLOUR,
            text=[format_number(value, lang) for value in values[::-1]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_xaxes(rangemode="tozero", tickformat=",")
    return layout(fig, lang, height=max(220, 60 + 34 * len(values)), legend=False)


# --- activities --------------------------------------------------------------------------------


def activity_calendar_figure(calendar: pd.DataFrame, year: int, as_of: dt.date, lang: str) -> go.Figure:
    """The year's activities by type on a time axis; held, planned and not-reported look different."""
    fig = go.Figure()
    types = [kind for kind in ACTIVITY_TYPES if kind in set(calendar["type"])]
    for state, (colour, symbol) in ACTIVITY_STYLE.items():
        rows = calendar[calendar["state"] == state]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=list(rows["date"]),
                y=[t("registers.type." + kind, lang) for kind in rows["type"]],
                mode="markers",
                name=t("registers.state." + state, lang),
                marker=dict(size=14, color=colour, symbol=symbol, line=dict(width=2, color=colour)),
                hovertext=[
                    f"{format_date(d, lang)}: {title} ({t('registers.state.' + state, lang)})"
                    for d, title in zip(rows["date"], rows["title"])
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_yaxes(categoryorder="array", categoryarray=[t("registers.type." + kind, lang) for kind in types][::-1])
    months = [dt.date(year, month, 1) for month in range(1, 13)]
    quarters = months[::3]  # twelve month names pile up on a phone; four fit, the months stay as grid lines
    fig.update_xaxes(
        range=[dt.date(year, 1, 1) - dt.timedelta(days=5), dt.date(year, 12, 31) + dt.timedelta(days=5)],
        tickvals=quarters,
        ticktext=[format_date(month, lang, "MMM") for month in quarters],
        tickangle=0,
        automargin=True,
        minor=dict(tickvals=months, showgrid=True, gridcolor="#eaeef2"),
    )
    fig.update_yaxes(
        tickvals=[t("registers.type." + kind, lang) for kind in types],
        ticktext=[wrap_label(t("registers.type." + kind, lang), 16) for kind in types],
    )
    if as_of.year == year:
        as_of_line(fig, as_of, lang, "right")
    layout(fig, lang, height=max(260, 170 + 40 * len(types)))
    _label_margin(fig, [wrap_label(t("registers.type." + kind, lang), 16) for kind in types])
    return fig


def planned_vs_done_figure(summary: pd.DataFrame, lang: str) -> go.Figure:
    """Per type: held, not reported and still planned, stacked, with the numbers on the bars."""
    fig = go.Figure()
    labels = [t("registers.type." + kind, lang) for kind in summary["type"]][::-1]
    for state, column in (("done", "held"), ("unconfirmed", "unconfirmed"), ("upcoming", "upcoming")):
        colour, _ = ACTIVITY_STYLE[state]
        values = [int(value) for value in summary[column]][::-1]
        fig.add_trace(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                name=t("registers.state." + state, lang),
                marker_color=colour,
                marker_pattern_shape="" if state == "done" else ("x" if state == "unconfirmed" else "."),
                text=[format_number(value, lang) if value else "" for value in values],
                textposition="inside",
                hovertemplate="%{y}: %{x}<extra>" + t("registers.state." + state, lang) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(
        rangemode="tozero", tickformat=",", dtick=1 if len(summary) and summary["total"].max() <= 10 else None
    )
    return layout(fig, lang, height=max(240, 90 + 36 * len(summary)))


def attendance_figure(attendance: pd.DataFrame, lang: str, target: float | None = None) -> go.Figure:
    """Members present at each meeting as a share of members that day, with the target if given."""
    labels = [
        f"{format_date(d, lang)}<br>{t('registers.type.' + kind, lang)}"
        for d, kind in zip(attendance["date"], attendance["type"])
    ]
    shares = [float(value) for value in attendance["attendance_pct"]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=shares,
            marker_color=MEMBERS_COLOUR,
            name=t("registers.col.attendance_pct", lang),
            text=[format_number(value, lang, 1) + " %" for value in shares],
            textposition="outside",
            cliponaxis=False,
            hovertext=[
                t(
                    "registers.hover_attendance",
                    lang,
                    title=title,
                    present=format_number(p, lang),
                    members=format_number(m, lang),
                    share=format_number(s, lang, 1),
                )
                for title, p, m, s in zip(
                    attendance["title"], attendance["members_present"], attendance["members"], shares
                )
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    if target is not None:
        fig.add_hline(
            y=target,
            line=dict(color="#7d4e00", dash="dash", width=2),
            annotation_text=t("registers.chart_target", lang, value=format_number(target, lang) + " %"),
            annotation_position="top left",
        )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 105], ticksuffix=" %")
    return layout(fig, lang, legend=False)


# --- milestones --------------------------------------------------------------------------------


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" –-·,") + "…"


def wrap_label(text: str, width: int = 22, lines: int = 2) -> str:
    """An axis label on at most ``lines`` lines of about ``width`` characters (``<br>`` between,
    the last shortened with "…"), so that on a phone (390 px) the labels take at most half the
    chart's width and nothing is cut at the left edge. The full text belongs in the hover."""
    words = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]
    if len(words) > lines:
        words = words[: lines - 1] + [_short(" ".join(words[lines - 1 :]), width)]
    return "<br>".join(_short(line, width + 2) for line in words)


def _label_margin(fig: go.Figure, labels: list[str]) -> None:
    """Room on the left for the wrapped labels, set rather than left to plotly's automargin, which
    on a phone reserved nearly the whole width and squeezed the bars to a sliver."""
    longest = max((len(line) for label in labels for line in label.split("<br>")), default=10)
    fig.update_yaxes(automargin=False)
    fig.update_layout(margin_l=min(220, 20 + int(8 * longest)))


def _package_label(data: Dataset | None, project: str, package: str | None, lang: str) -> str:
    """``Project · package``, both shortened, so the bars keep most of the chart's width (the
    full names are in the table beside the chart)."""
    name = project_name(data, project, lang) if data is not None else project
    if not package:
        return name
    if len(name) > 16:
        name = name.split()[0] + "…"
    label = package_name(data, project, package, lang) if data is not None else package
    return f"{name} · {label}"


def milestone_timeline_figure(
    milestones: pd.DataFrame, as_of: dt.date, lang: str, data: Dataset | None = None
) -> go.Figure:
    """Milestones per project and package on a time axis: done ones at their done date, the rest at
    their due date; overdue, open and done differ in symbol and legend word as well as colour."""
    fig = go.Figure()
    rows = milestones.assign(
        label=[_package_label(data, p, k, lang) for p, k in zip(milestones["project"], milestones["package"])]
    )
    order = sorted(set(rows["label"]))
    for status in ("overdue", "open", "done"):
        colour, symbol = MILESTONE_STYLE[status]
        part = rows[rows["status"] == status]
        if part.empty:
            continue
        xs = [done if status == "done" else due for done, due in zip(part["done"], part["due"])]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=list(part["label"]),
                mode="markers",
                name=t("registers.status." + status, lang),
                marker=dict(size=15, color=colour, symbol=symbol, line=dict(width=2, color=colour)),
                hovertext=[
                    t(
                        "registers.hover_milestone",
                        lang,
                        milestone=milestone_name(data, m, lang),
                        due=format_date(due, lang),
                        done=format_date(done, lang) if done else "–",
                        status=t("registers.status." + status, lang),
                    )
                    for m, due, done in zip(part["milestone"], part["due"], part["done"])
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=order[::-1],
        tickvals=order,
        ticktext=[wrap_label(label) for label in order],
    )
    dates = [as_of] + [d for d in list(rows["due"]) + list(rows["done"]) if not is_missing(d)]
    _half_year_ticks(fig, dates, lang)
    as_of_line(fig, as_of, lang, "right")
    layout(fig, lang, height=max(280, 180 + 46 * len(order)))
    _label_margin(fig, [wrap_label(label) for label in order])
    return fig


def milestone_progress_figure(progress: pd.DataFrame, lang: str, data: Dataset | None = None) -> go.Figure:
    """Share done, overdue and open per package (project totals first), as stacked percent bars."""
    rows = progress.copy()
    rows["label"] = [
        _package_label(data, p, None if total else k, lang)
        + (f" ({t('registers.col.total', lang).lower()})" if total else "")
        for p, k, total in zip(rows["project"], rows["package"], rows["total"])
    ]
    fig = go.Figure()
    labels = list(rows["label"])[::-1]
    for status, column in (("done", "done"), ("overdue", "overdue"), ("open", "open")):
        colour, _ = MILESTONE_STYLE[status]
        shares = [100.0 * c / n for c, n in zip(rows[column], rows["milestones"])][::-1]
        counts = [int(c) for c in rows[column]][::-1]
        fig.add_trace(
            go.Bar(
                x=shares,
                y=labels,
                orientation="h",
                name=t("registers.status." + status, lang),
                marker_color=colour,
                marker_pattern_shape={"done": "", "overdue": "x", "open": "."}[status],
                text=[format_number(c, lang) if c else "" for c in counts],
                textposition="inside",
                hovertext=[
                    f"{t('registers.status.' + status, lang)}: {format_number(c, lang)} ({format_number(s, lang, 0)} %)"
                    for c, s in zip(counts, shares)
                ],
                hovertemplate="%{y}: %{hovertext}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(range=[0, 100], ticksuffix=" %", tickvals=[0, 50, 100], tickangle=0)
    # The full name stays the category (and so the hover's %{y}); the axis shows it wrapped.
    fig.update_yaxes(tickvals=labels, ticktext=[wrap_label(label) for label in labels])
    layout(fig, lang, height=max(240, 150 + 46 * len(rows)))
    fig.update_layout(margin_r=28)  # after layout(), which sets the margins
    _label_margin(fig, [wrap_label(label) for label in labels])
    return fig
