"""The views an area page draws for a register: charts and lists, one function per view.

Each :class:`~kpi.model.registers.Register` declares its views by name (``views``); an area lists
the registers it shows (``registers:`` in targets.yaml); :func:`draw_register` draws them in
order. The numbers come from :mod:`kpi.read.registers`, the figures from
:mod:`kpi.show.register_charts` and :mod:`kpi.show.maps`; this module only places them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from kpi.model.dataset import Dataset
from kpi.model.registers import REGISTERS
from kpi.read import measures
from kpi.report.period import decision_period_label, next_due_report
from kpi.show import listings, maps, register_charts
from kpi.show import registers as register_views
from kpi.show.meeting import DUE_SOON_DAYS, overdue_or_due_soon
from kpi.show.registers import register_title
from kpi.show.style import chart_config
from kpi.text.i18n import format_date, format_number, t
from ui import access
from ui.state import ViewState
from ui.text import escape_markdown, show_table

# A view draws one register (``name``) for the page's as-of date and language.
View = Callable[[Dataset, ViewState, str], None]


def _chart(figure: object, lang: str) -> None:
    st.plotly_chart(figure, width="stretch", config=chart_config(lang))


def members_over_time(data: Dataset, state: ViewState, name: str) -> None:
    lang, as_of = state.lang, state.as_of
    st.subheader(t("registers.members_over_time", lang))
    counts = listings.member_counts_over_time(data, dt.date(as_of.year - 2, 1, 1), as_of)
    st.caption(
        t(
            "registers.members_now",
            lang,
            members=format_number(int(counts["members"].iloc[-1]), lang),
            date=format_date(as_of, lang),
        )
    )
    _chart(register_charts.members_over_time_figure(counts, lang), lang)


def member_changes(data: Dataset, state: ViewState, name: str) -> None:
    lang, as_of = state.lang, state.as_of
    st.subheader(t("registers.members_changes", lang))
    _chart(
        register_charts.member_changes_figure(
            listings.member_changes_by_year(data, as_of.year - 4, as_of.year, until=as_of), lang
        ),
        lang,
    )
    changes = listings.member_changes(data, as_of.year, until=as_of)
    change_counts = listings.member_change_counts(data, as_of.year, until=as_of)
    st.markdown(
        t(
            "registers.members_changes_year",
            lang,
            year=as_of.year,
            joined=format_number(change_counts["joined"], lang),
            left=format_number(change_counts["left"], lang),
        )
    )
    if len(changes) and access.allowed("view_member_data"):  # names and leave reasons: personal data
        show_table(
            register_views.display_table(
                changes,
                lang,
                data,
                ["date", "change", "member_id", "name", "category", "kommun", "leave_reason", "natural", "row"],
            ),
            hide_index=True,
        )


def members_by(data: Dataset, state: ViewState, name: str) -> None:
    lang, as_of = state.lang, state.as_of
    st.subheader(t("registers.members_by", lang, date=format_date(as_of, lang)))
    left_column, right_column = st.columns(2)
    for column, by in ((left_column, "category"), (right_column, "kommun")):
        with column:
            st.markdown("**" + t("registers.col." + by, lang) + "**")
            _chart(register_charts.members_by_figure(listings.members_by(data, as_of, by), by, lang), lang)


def member_list(data: Dataset, state: ViewState, name: str) -> None:
    lang, as_of = state.lang, state.as_of
    members = listings.members_at(data, as_of)
    if access.allowed("view_member_data"):
        with st.expander(
            t("registers.members_list", lang, count=format_number(len(members), lang), date=format_date(as_of, lang))
        ):
            show_table(register_views.display_table(members, lang, data), hide_index=True)
    else:
        st.caption(t("access.members_hidden", lang))


def agreements_map(data: Dataset, state: ViewState, name: str) -> None:
    st.subheader(t("registers.map_heading", state.lang))
    _chart(maps.agreements_map(data, state.as_of, state.lang), state.lang)
    st.caption(maps.MAP_ATTRIBUTION[state.lang])


def agreements_table(data: Dataset, state: ViewState, name: str) -> None:
    lang = state.lang
    st.subheader(t("registers.agreements_heading", lang))
    st.caption(t("registers.measure.agreements.active_count", lang))
    show_table(register_views.display_table(listings.agreements_table(data, state.as_of), lang, data), hide_index=True)


def activity_calendar(data: Dataset, state: ViewState, name: str) -> None:
    lang, as_of = state.lang, state.as_of
    year = as_of.year
    calendar = listings.activities_in_year(data, year, as_of)
    st.subheader(t("registers.calendar_heading", lang, year=year))
    if calendar.empty:
        st.info(t("registers.nothing", lang))
        return
    _chart(register_charts.activity_calendar_figure(calendar, year, as_of, lang), lang)
    with st.expander(t("registers.calendar_table", lang, year=year)):
        show_table(
            register_views.display_table(
                calendar, lang, data, ["date", "type", "title", "state", "participants", "members_present", "row"]
            ),
            hide_index=True,
        )
    st.subheader(t("registers.planned_vs_done_heading", lang, year=year))
    summary = listings.activity_summary(data, year, as_of)
    _chart(register_charts.planned_vs_done_figure(summary, lang), lang)
    show_table(register_views.display_table(summary, lang, data), hide_index=True)


def attendance(data: Dataset, state: ViewState, name: str) -> None:
    lang, as_of = state.lang, state.as_of
    st.subheader(t("registers.attendance_heading", lang))
    table = listings.attendance_table(data, until=as_of)
    if table.empty:
        st.info(t("registers.nothing", lang))
        return
    goal = register_views.attendance_goal(data, as_of)
    _chart(register_charts.attendance_figure(table, lang, goal), lang)
    show_table(
        register_views.display_table(
            table, lang, data, ["date", "type", "title", "members_present", "members", "attendance_pct", "row"]
        ),
        hide_index=True,
    )


def milestone_attention(data: Dataset, state: ViewState) -> None:
    """What the board must see first on the Projects page: every project's overdue milestones and
    those due within two months, each naming its project and package."""
    lang = state.lang
    st.subheader(t("board.projects_attention", lang, days=DUE_SOON_DAYS))
    chosen = overdue_or_due_soon(listings.milestones_table(data, state.as_of), state.as_of)
    if chosen.empty:
        st.info(t("board.projects_nothing_due", lang, days=DUE_SOON_DAYS))
        return
    show_table(
        register_views.display_table(
            chosen, lang, data, ["status", "project", "package", "milestone", "due", "days_overdue"]
        ),
        hide_index=True,
    )


def next_reports(data: Dataset, state: ViewState) -> None:
    """Each project's next report to its funder, from the funding decision's periods (issue 24)."""
    lines = []
    for project in data.config.projects:
        found = next_due_report(data.config, project.id, state.as_of)
        if found is not None:
            number, start, end, due = found
            report = decision_period_label(number, start, end, due, state.lang)
            lines.append(t("funders.next_report", state.lang, project=project.name.get(state.lang), report=report))
    if lines:
        st.caption("  \n".join(escape_markdown(line) for line in lines))


def milestone_progress(data: Dataset, state: ViewState, name: str) -> None:
    lang = state.lang
    milestone_attention(data, state)  # the page opens with what is late or due soon
    next_reports(data, state)
    progress = listings.milestone_progress(data, state.as_of)
    st.subheader(t("registers.progress_heading", lang))
    _chart(register_charts.milestone_progress_figure(progress, lang, data), lang)
    show_table(
        register_views.display_table(
            progress,
            lang,
            data,
            ["project", "package", "milestones", "done", "overdue", "open", "done_pct", "overdue_pct"],
        ),
        hide_index=True,
    )


def milestone_timeline(data: Dataset, state: ViewState, name: str) -> None:
    lang = state.lang
    st.subheader(t("registers.timeline_heading", lang))
    milestones = listings.milestones_table(data, state.as_of)
    _chart(register_charts.milestone_timeline_figure(milestones, state.as_of, lang, data), lang)


def milestone_table(data: Dataset, state: ViewState, name: str) -> None:
    lang = state.lang
    st.subheader(t("registers.milestones_heading", lang))
    st.caption(t("registers.milestones_caption", lang))
    show_table(
        register_views.display_table(
            listings.milestones_table(data, state.as_of),
            lang,
            data,
            ["status", "project", "package", "milestone", "due", "done", "days_overdue", "evidence"],
        ),
        hide_index=True,
    )


def register_list(data: Dataset, state: ViewState, name: str) -> None:
    """Any register that dates its rows: this year's rows up to the as-of date, newest first."""
    lang, as_of = state.lang, state.as_of
    title = register_title(name, lang)
    st.subheader(
        t("registers.rows_heading", lang, register=escape_markdown(title[:1].upper() + title[1:]), year=as_of.year)
    )
    if REGISTERS[name].personal and not access.allowed("view_member_data"):
        st.caption(t("access.members_hidden", lang))
        return
    rows = listings.register_rows(data, name, dt.date(as_of.year, 1, 1), as_of)
    if rows.empty:
        st.info(t("registers.nothing", lang))
        return
    # The register's own columns, in its order: the file's row numbers are for staff, not this list.
    show_table(register_views.display_table(rows, lang, data, list(REGISTERS[name].column_names)), hide_index=True)


VIEWS: dict[str, View] = {
    view.__name__: view
    for view in (
        members_over_time,
        member_changes,
        members_by,
        member_list,
        agreements_map,
        agreements_table,
        activity_calendar,
        attendance,
        milestone_progress,
        milestone_timeline,
        milestone_table,
        register_list,
    )
}


def draw_register(data: Dataset, state: ViewState, name: str) -> None:
    """Every view the register declares, or one line saying the register has no rows yet."""
    if not measures.has_register(data, name):
        st.info(t("registers.no_register", state.lang, register=escape_markdown(register_title(name, state.lang))))
        return
    for view in REGISTERS[name].views:
        VIEWS[view](data, state, name)
