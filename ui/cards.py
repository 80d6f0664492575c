"""Metric cards and the status summary strip, shared by the overview and every area page.

A card shows what a board member needs in ten seconds: name, value and its date, the status as
icon *and* word (colour only repeats it), progress toward the 2026 and 2030 targets, a sparkline,
the change since the comparison date, a stale mark, and a link to the metric's detail page. The
numbers and texts come ready-made from :mod:`kpi.show.views`; this module only draws them.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Literal

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from kpi.judge.rules import MetricStatus
from kpi.model.dataset import Dataset
from kpi.show import registers as register_views
from kpi.show.status import tint
from kpi.show.views import CardView, StatusCount, card, cards, summary_counts
from kpi.text.i18n import t
from ui import access
from ui.meeting import BAR_CSS, bar_html
from ui.state import ViewState, statuses
from ui.text import escape_markdown, show_table

METRIC_PAGE = "pages/metric.py"
CARDS_PER_ROW = 3


def status_badge_html(label: str, colour: str) -> str:
    """Icon and word on a light tint with a coloured edge (dark text: contrast above 7:1)."""
    return (
        f'<span class="kpi-status" style="display:inline-block;border-left:6px solid {colour};'
        f"background:{tint(colour)};color:#1f2328;padding:2px 10px;border-radius:4px;"
        f'font-weight:600">{escape(label)}</span>'
    )


def summary_strip(items: list[StatusCount]) -> None:
    """How many metrics per status: equal boxes in one row on a projector, two a row on a phone."""
    boxes = "".join(
        f'<div class="kpi-count" style="border-left:8px solid {item.colour};background:{tint(item.colour)};'
        f'padding:0.4rem 0.8rem;border-radius:6px;color:#1f2328">'
        f'<div style="font-size:2rem;font-weight:700;line-height:1.2">{item.count}</div>'
        f'<div style="font-size:1.05rem;font-weight:600">{escape(item.label)}</div></div>'
        for item in items
    )
    st.markdown(
        f'<div class="kpi-summary" style="display:grid;grid-template-columns:repeat(auto-fit,minmax(6.5rem,1fr));'
        f'gap:0.5rem;margin-bottom:0.5rem">'
        f"{boxes}</div>",
        unsafe_allow_html=True,
    )


def sparkline_svg(values: list[float], label: str, colour: str, width: int = 240, height: int = 36) -> str:
    """A small line of the recent values as inline SVG, with its text alternative.

    Drawn here rather than with ``st.metric(chart_data=...)``: Streamlit's Vega sparkline marks
    every point as an unnamed graphic (axe-core: svg-img-alt) and cannot be given a description.
    """
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    points = " ".join(
        f"{index * step:.1f},{height - 3 - (value - low) / span * (height - 6):.1f}"
        for index, value in enumerate(values)
    )
    return (
        f'<svg class="kpi-sparkline" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'width="100%" height="{height}" preserveAspectRatio="none"><title>{escape(label)}</title>'
        f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
        f'vector-effect="non-scaling-stroke"/></svg>'
    )


def metric_card(view: CardView, lang: str) -> None:
    """One card; safe for any metric name (names come from targets.yaml and are escaped)."""
    with st.container(border=True):
        st.markdown(
            f'<div style="font-size:1.15rem;font-weight:700;line-height:1.3;margin-bottom:0.3rem">'
            f"{escape(view.name)}</div>{status_badge_html(view.status_label, view.status_colour)}",
            unsafe_allow_html=True,
        )
        delta: str | None = None
        colour: Literal["green", "red", "gray"] = "gray"
        arrow: Literal["up", "down", "off"] = "off"
        if view.change is not None:
            delta = view.change_text
            colour = "gray" if view.change_good is None else "green" if view.change_good else "red"
            arrow = "up" if view.change > 0 else "down" if view.change < 0 else "off"
        st.metric(
            label=view.date_text,
            value=view.value_text,
            delta=delta,
            delta_color=colour,
            delta_arrow=arrow,
            delta_description=view.compare_text if delta is not None else None,
        )
        if len(view.sparkline) > 1:
            st.markdown(sparkline_svg(view.sparkline, view.sparkline_label, view.status_colour), unsafe_allow_html=True)
        if view.bar is not None:  # the one bar: from the baseline, coloured by status, with the plan's mark
            st.markdown(BAR_CSS + bar_html(view.bar), unsafe_allow_html=True)
        for progress in view.progress:
            st.caption(progress.text)
        if view.stale:
            st.markdown(f":orange[**{view.stale_text}**]")
        st.caption(view.explanation)
        detail_link(view.metric_id, t("dashboard.details", lang))


def detail_link(metric_id: str, label: str) -> None:
    """Open the metric's detail page, keeping the as-of date, comparison date and language.

    ``st.switch_page`` carries the URL-bound sidebar choices over to the next page (a page link
    with query parameters drops them, measured in Chromium with Streamlit 1.67). A page run on
    its own, outside the navigation, cannot switch: it then only sets ``metric`` in the URL.
    """
    if st.button(label, key=f"details_{metric_id}", icon=":material/query_stats:", type="tertiary"):
        try:
            st.switch_page(METRIC_PAGE, query_params={"metric": metric_id})
        except StreamlitPageNotFoundError:
            st.query_params["metric"] = metric_id


def card_grid(data: Dataset, items: list[MetricStatus], state: ViewState) -> None:
    """Cards in rows of three; Streamlit stacks the columns on narrow screens."""
    render_views(cards(data, items, state.lang, state.compare), state.lang)


def area_section(data: Dataset, state: ViewState, area_id: str, intro: str | None = None) -> list[MetricStatus]:
    """The area's heading, its status counts and metric cards; returns the area's statuses."""
    items = [item for item in statuses(data, state.as_of) if item.metric.area == area_id]
    st.header(escape_markdown(data.config.area_name(area_id, state.lang)))
    if intro:
        st.caption(intro)
    if not items:
        st.info(t("dashboard.area_empty", state.lang))
        return []
    summary_strip(summary_counts(items, state.lang, always=()))
    if not all(item.metric.kind_of.done_or_not for item in items):
        # A page of milestones only (Projects) opens with what is late or due soon and the
        # projects' timelines (the register's views), not one card per milestone.
        card_grid(data, items, state)
    return items


def render_views(views: list[CardView], lang: str) -> None:
    """Draw ready-made cards in rows of three (the overview groups them by area itself)."""
    for start in range(0, len(views), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW, gap="medium")
        for column, view in zip(columns, views[start : start + CARDS_PER_ROW]):
            with column:
                metric_card(view, lang)


def area_table(items: list[MetricStatus], lang: str) -> None:
    """Every metric of an area on one screen: status, value and the sentence that explains it."""
    if not items:
        return
    st.subheader(t("dashboard.area_table_heading", lang))
    views = [card(item, lang) for item in items]
    st.table(
        [
            {
                t("dashboard.col_metric", lang): view.name,
                t("dashboard.col_status", lang): view.status_label,
                t("dashboard.col_value", lang): view.value_text,
                t("dashboard.col_explanation", lang): view.explanation,
            }
            for view in views
        ],
        hide_index=True,
    )


def behind_sections(data: Dataset, area: str, as_of: dt.date, lang: str) -> None:
    """The page's "which ones?" tables, each in an expander, as far as this viewer may see them.

    Titles and definitions carry goal names from targets.yaml: shown as typed, never as Markdown.
    """
    visible = access.visible_behind(data, register_views.behind_tables(data, area, as_of, lang), lang)
    if visible:
        st.subheader(t("registers.behind_heading", lang))
    for behind in visible:
        with st.expander(escape_markdown(behind.title)):
            st.caption(escape_markdown(behind.definition))
            show_table(behind.table, hide_index=True)
