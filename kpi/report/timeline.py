"""One timeline per work package: every milestone of the package on one time axis.

A funder reads a package's milestones together (what was due, what was done when), so a report
draws one figure per package instead of one nearly empty step chart per milestone. Each
milestone is a row: a hollow marker at its due date, a filled one at its done date, a line
between the two when it was done late; the state is in the legend word and the marker shape as
well as the colour, and the period and the as-of date are marked.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from kpi.report.content import REPORT_STATE_KEYS, REPORT_STATES, PackageSection, ReportContent, report_state
from kpi.show.register_charts import MILESTONE_STYLE, layout
from kpi.show.style import as_of_line
from kpi.text.i18n import format_date, t

_STYLE_OF_STATE = {"done": "done", "late": "overdue", "open": "open", "not_delivered": "overdue"}
NAME_LIMIT = 48


def _short(text: str) -> str:
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1].rstrip(" –-·,") + "…"


def package_timeline_figure(content: ReportContent, section: PackageSection) -> go.Figure:
    """The package's milestones in the period on one time axis (rows in due-date order)."""
    lang = content.lang
    fig = go.Figure()
    labels = [_short(item.metric.display_name(lang)) for item in section.milestones]
    # Two milestones may shorten to the same label; a row each all the same.
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[index] = f"{label} ({seen[label]})"
    for state in REPORT_STATES:
        colour, symbol = MILESTONE_STYLE[_STYLE_OF_STATE[state]]
        rows = [
            (label, item)
            for label, item in zip(labels, section.milestones)
            if report_state(item, section.final) == state
        ]
        if not rows:
            continue
        xs = [item.done_date if state == "done" else item.metric.due_date for _, item in rows]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[label for label, _ in rows],
                mode="markers",
                name=t(REPORT_STATE_KEYS[state], lang),
                marker=dict(size=14, color=colour, symbol=symbol, line=dict(width=2, color=colour)),
            )
        )
    due_x = [item.metric.due_date for item in section.milestones]
    fig.add_trace(
        go.Scatter(
            x=due_x,
            y=labels,
            mode="markers",
            name=t("reports.col_due", lang),
            marker=dict(size=11, color="#57606a", symbol="line-ns-open", line=dict(width=2, color="#57606a")),
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    dates = [content.as_of] + due_x + [item.done_date for item in section.milestones if item.done_date]
    start, end = content.spec.period_from or min(dates), content.spec.period_to or max(dates)
    first, last = min(dates + [start]), max(dates + [end])
    pad = dt.timedelta(days=max(20, (last - first).days // 25))
    fig.update_xaxes(range=[first - pad, last + pad], tickformat="%Y-%m")
    fig.add_vrect(x0=start, x1=end, fillcolor="#eaeef2", opacity=0.45, line_width=0, layer="below")
    as_of_line(fig, content.as_of, lang, "right")
    fig.update_layout(
        title=dict(
            text=f"{section.name} · {format_date(start, lang)} – {format_date(end, lang)}",
            font=dict(size=15),
        )
    )
    height = timeline_height(len(labels))
    layout(fig, lang, height=height)
    fig.update_layout(font=dict(size=17), margin=dict(l=10, r=10, t=70, b=10), meta={"report_height": height})
    return fig


def timeline_height(rows: int) -> int:
    """Pixels at the report's chart width: room for the title, the axis, the legend and each row."""
    return max(300, 170 + 46 * rows)
