"""Drawing the board's meeting view: the goal table, the status counts as a filter, presentation mode.

Everything shown is prepared in :mod:`kpi.show.meeting`; here it is only turned into HTML (every
text escaped: names and comments come from files people edit) and Streamlit widgets. The table is
real HTML, not ``st.dataframe`` (a canvas): screen readers, axe-core and the browser's own
hyphenation (``lang`` on the table, ``hyphens: auto``) all see its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

import streamlit as st

from kpi.show.meeting import Bar, GoalRow, parse_statuses, status_query
from kpi.show.status import tint
from kpi.show.views import StatusCount
from kpi.text.i18n import t

STATUS_PARAM = "status"
VIEW_PARAM = "view"
PRESENT_PARAM = "present"
VIEWS = ("table", "areas", "cards")
# Query parameters a link to the metric page keeps, so it opens at the same date and language.
_KEPT = ("as_of", "compare", "lang")

# The one progress bar's look (the goal table and the area cards draw the same bar).
BAR_RULES = """
.kpi-bar{position:relative;height:0.9rem;min-width:5rem;background:#eaeef2;border:1px solid #8c959f;
  border-radius:3px;margin-top:0.2rem}
.kpi-bar-fill{position:absolute;left:0;top:0;bottom:0;border-radius:2px 0 0 2px}
.kpi-bar-mark{position:absolute;top:-0.25rem;bottom:-0.25rem;width:0;border-left:3px solid #1f2328}
"""
BAR_CSS = "<style>" + BAR_RULES + "</style>"

TABLE_CSS = """
<style>
.kpi-goals-frame{overflow-x:auto;max-width:100%;margin-bottom:0.75rem}
.kpi-goals-frame:focus{outline:2px solid #0969da;outline-offset:2px}
table.kpi-goals{border-collapse:collapse;width:100%;table-layout:fixed;font-size:0.95rem;color:inherit;margin:0}
table.kpi-goals caption{caption-side:top;text-align:left;padding:0 0 0.3rem 0;color:inherit;font-size:0.9rem}
table.kpi-goals th{hyphens:auto;-webkit-hyphens:auto;text-align:left;font-weight:600;border-bottom:2px solid #8c959f;padding:0.25rem 0.5rem;
  vertical-align:bottom}
table.kpi-goals td{border-bottom:1px solid #d0d7de;padding:0.3rem 0.5rem;vertical-align:top;
  hyphens:auto;-webkit-hyphens:auto;overflow-wrap:break-word}
table.kpi-goals td.kpi-num{white-space:nowrap;text-align:right}
table.kpi-goals col.kpi-col-status{width:9.5em}
table.kpi-goals col.kpi-col-value{width:6.5em}
table.kpi-goals col.kpi-col-target{width:7.8em}
table.kpi-goals col.kpi-col-bar{width:8.4em}
table.kpi-goals .kpi-goal-name{font-weight:600}
table.kpi-goals .kpi-goal-name a{color:inherit}
table.kpi-goals .kpi-reason{margin-top:0.1rem}
table.kpi-goals .kpi-date{font-size:0.85rem}
.kpi-status{white-space:nowrap}
@media (max-width: 640px){
  /* A phone: each goal a small block (status and value, the goal and its reason, target and bar). */
  table.kpi-goals, table.kpi-goals tbody, table.kpi-goals caption{display:block}
  table.kpi-goals thead, table.kpi-goals colgroup{display:none}
  table.kpi-goals tr{display:grid;grid-template-columns:1fr auto;border-bottom:1px solid #d0d7de;padding:0.35rem 0}
  table.kpi-goals td{border:none;padding:0.1rem 0.2rem}
  table.kpi-goals td.kpi-goal{grid-column:1 / -1;order:3}
  table.kpi-goals td.kpi-target{order:4}
  table.kpi-goals td.kpi-barcell{order:5;min-width:8rem}
}
"""
TABLE_CSS += BAR_RULES + "</style>\n"


def chosen_statuses() -> list[str]:
    """The status filter as the URL has it (``?status=off_track,at_risk``)."""
    return parse_statuses(st.query_params.get(STATUS_PARAM))


def set_statuses(statuses: Sequence[str]) -> None:
    """Write the choice back to the URL (or remove it), so the address bar is a shareable link."""
    value = status_query(statuses)
    if value:
        if st.query_params.get(STATUS_PARAM) != value:
            st.query_params[STATUS_PARAM] = value
    elif STATUS_PARAM in st.query_params:
        del st.query_params[STATUS_PARAM]


def count_filter(counts: list[StatusCount], lang: str) -> list[str]:
    """The status counts, each a toggle: clicking one lists only those goals (the choice is in the URL)."""
    # Each count carries its status colour as a thick left edge; the icon and the word carry the meaning.
    rules = "".join(
        f".st-key-status_filter button:nth-of-type({number}){{border-left:8px solid {item.colour};"
        f"background:{tint(item.colour)};color:#1f2328}}"
        for number, item in enumerate(counts, start=1)
    )
    st.markdown(
        "<style>.st-key-status_filter button{font-size:1.1rem;font-weight:600;padding:0.35rem 0.9rem;"
        "min-height:2.6rem}"
        ".st-key-status_filter button[kind='pillsActive']{outline:3px solid #1f2328;outline-offset:1px;"
        f"text-decoration:underline}}{rules}</style>",
        unsafe_allow_html=True,
    )
    labels = {item.status: t("meeting.count_pill", lang, count=item.count, label=item.label) for item in counts}
    wanted = [status for status in chosen_statuses() if status in labels]
    if "status_filter" not in st.session_state:
        st.session_state["status_filter"] = wanted
    chosen = st.pills(
        t("meeting.filter_label", lang),
        list(labels),
        selection_mode="multi",
        key="status_filter",
        format_func=lambda status: labels[status],
    )
    chosen = list(chosen or [])
    set_statuses(chosen)
    return chosen


def chosen_view(lang: str) -> str:
    """List (default), by area, or cards; kept in the URL only when it is not the default."""
    current = st.query_params.get(VIEW_PARAM, "table")
    if current not in VIEWS:
        current = "table"
    if "overview_view" not in st.session_state:
        st.session_state["overview_view"] = current
    view = st.segmented_control(
        t("meeting.view", lang),
        list(VIEWS),
        key="overview_view",
        required=True,
        label_visibility="collapsed",
        format_func=lambda name: t("meeting.view_" + name, lang),
    )
    view = view if view in VIEWS else "table"
    if view == "table":
        if VIEW_PARAM in st.query_params:
            del st.query_params[VIEW_PARAM]
    elif st.query_params.get(VIEW_PARAM) != view:
        st.query_params[VIEW_PARAM] = view
    return view


def metric_href(metric_id: str) -> str:
    """A plain link to the metric's page that keeps the date and language of this one."""
    params = {key: st.query_params[key] for key in _KEPT if key in st.query_params}
    return "metric?" + urlencode({"metric": metric_id, **params})


def bar_html(bar: Bar) -> str:
    mark = (
        f'<div class="kpi-bar-mark" style="left:calc({bar.expected * 100:.1f}% - 1px)"></div>'
        if bar.expected is not None
        else ""
    )
    return (
        f'<div class="kpi-bar" role="img" aria-label="{escape(bar.label)}" title="{escape(bar.label)}">'
        f'<div class="kpi-bar-fill" style="width:{bar.fraction * 100:.1f}%;background:{bar.colour}"></div>'
        f"{mark}</div>"
    )


def _badge(row: GoalRow) -> str:
    return (
        f'<span class="kpi-status" style="display:inline-block;border-left:6px solid {row.colour};'
        f'background:{tint(row.colour)};color:#1f2328;padding:1px 8px;border-radius:4px;font-weight:600">'
        f"{escape(row.label)}</span>"
    )


def goal_table_html(rows: list[GoalRow], lang: str, caption: str, links: bool = True) -> str:
    """The goal table as HTML: status, goal with its reason, value and date, target, progress bar."""
    head = "".join(
        f'<th scope="col"{extra}>{escape(t("meeting.col_" + key, lang))}</th>'
        for key, extra in (
            ("status", ""),
            ("goal", ""),
            ("value", ' class="kpi-num"'),
            ("target", ""),
            ("progress", ""),
        )
    )
    body = []
    for row in rows:
        name = escape(row.name)
        if links:
            name = f'<a href="{escape(metric_href(row.metric_id))}" target="_self">{name}</a>'
        date = f'<div class="kpi-date">{escape(row.date_text)}</div>' if row.date_text else ""
        body.append(
            f'<tr data-status="{row.status}">'
            f"<td>{_badge(row)}</td>"
            f'<td class="kpi-goal"><div class="kpi-goal-name">{name}</div><div class="kpi-reason">{escape(row.reason)}</div></td>'
            f'<td class="kpi-num">{escape(row.value_text)}{date}</td>'
            f'<td class="kpi-target">{escape(row.target_text)}</td>'
            f'<td class="kpi-barcell">{bar_html(row.bar) if row.bar else ""}</td>'
            "</tr>"
        )
    return (
        f'<div class="kpi-goals-frame" role="region" tabindex="0" aria-label="{escape(caption)}" lang="{lang}">'
        f'<table class="kpi-goals"><caption>{escape(caption)}</caption>'
        '<colgroup><col class="kpi-col-status"><col><col class="kpi-col-value"><col class="kpi-col-target">'
        '<col class="kpi-col-bar"></colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def goal_table(rows: list[GoalRow], lang: str, caption: str, links: bool = True) -> None:
    st.markdown(TABLE_CSS + goal_table_html(rows, lang, caption, links), unsafe_allow_html=True)


# Streamlit's tables scroll sideways inside their frame on a phone, but the frame cannot take the
# keyboard focus (axe-core: scrollable-region-focusable): give every such frame a tab stop.
_FOCUSABLE_FRAMES = """
if (!window.kpiFrames) {
  window.kpiFrames = true;
  const mark = () => document.querySelectorAll('[data-testid="stTable"] div').forEach(frame => {
    const style = getComputedStyle(frame);
    if (["auto", "scroll"].includes(style.overflowX) && !frame.hasAttribute("tabindex")) {
      frame.setAttribute("tabindex", "0");
    }
  });
  new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
  mark();
}
"""


def page_language(lang: str) -> None:
    """Set ``<html lang>`` to the page's language (the browser then hyphenates Swedish as Swedish),
    and make Streamlit's scrolling table frames reachable by keyboard."""
    st.html(
        f"<script>document.documentElement.lang = {lang!r};{_FOCUSABLE_FRAMES}</script>", unsafe_allow_javascript=True
    )


PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"]{display:none !important}
[data-testid="stMainBlockContainer"]{padding-top:0.5rem !important;max-width:100% !important}
[data-testid="stMain"] p, [data-testid="stMain"] li, table.kpi-goals{font-size:1.35rem !important}
/* The goal table's own CSS comes later on the page (0.85rem): without !important the dates
   stayed too small to read at 3 m. */
table.kpi-goals .kpi-date{font-size:1.25rem !important}
[data-testid="stMain"] h1{font-size:2.4rem !important}
</style>
"""

# Arrow keys press the "next" / "previous" buttons (added once per browser tab; inputs keep their keys).
PRESENT_KEYS = """
<script>
if (!window.kpiPresentKeys) {
  window.kpiPresentKeys = true;
  document.addEventListener("keydown", function (event) {
    const tag = (event.target && event.target.tagName) || "";
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
    const key = {ArrowRight: "present_next", PageDown: "present_next", ArrowLeft: "present_previous",
                 PageUp: "present_previous"}[event.key];
    if (!key) return;
    const button = document.querySelector(".st-key-" + key + " button");
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });
}
</script>
"""


def presentation_chrome() -> None:
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    st.html(PRESENT_KEYS, unsafe_allow_javascript=True)
