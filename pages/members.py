"""Medlemmar: the member goals, then the member list behind them (over time, joins and leavers,
by category and municipality, and the rows behind each number). Computed in kpi/registers.py."""

import datetime as dt

import streamlit as st

from kpi.read import registers
from kpi.show import register_charts
from kpi.show import registers as register_views
from kpi.show.style import chart_config
from kpi.text.i18n import format_date, format_number, t
from ui import access
from ui.cards import area_section, behind_sections
from ui.state import open_page

state, data = open_page()
lang, as_of = state.lang, state.as_of
area_section(data, state, "members")

if not registers.has_register(data, "members"):
    st.info(t("registers.no_register", lang, file="members.csv"))
    st.stop()

st.subheader(t("registers.members_over_time", lang))
counts = registers.member_counts_over_time(data, dt.date(as_of.year - 2, 1, 1), as_of)
st.caption(
    t(
        "registers.members_now",
        lang,
        members=format_number(int(counts["members"].iloc[-1]), lang),
        date=format_date(as_of, lang),
    )
)
st.plotly_chart(register_charts.members_over_time_figure(counts, lang), width="stretch", config=chart_config(lang))

st.subheader(t("registers.members_changes", lang))
st.plotly_chart(
    register_charts.member_changes_figure(
        registers.member_changes_by_year(data, as_of.year - 4, as_of.year, until=as_of), lang
    ),
    width="stretch",
    config=chart_config(lang),
)
changes = registers.member_changes(data, as_of.year, until=as_of)
change_counts = registers.member_change_counts(data, as_of.year, until=as_of)
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
    st.table(
        register_views.display_table(
            changes,
            lang,
            data,
            ["date", "change", "member_id", "name", "category", "kommun", "leave_reason", "natural", "row"],
        ),
        hide_index=True,
    )

st.subheader(t("registers.members_by", lang, date=format_date(as_of, lang)))
left_column, right_column = st.columns(2)
with left_column:
    st.markdown("**" + t("registers.col.category", lang) + "**")
    st.plotly_chart(
        register_charts.members_by_figure(registers.members_by(data, as_of, "category"), "category", lang),
        width="stretch",
        config=chart_config(lang),
    )
with right_column:
    st.markdown("**" + t("registers.col.kommun", lang) + "**")
    st.plotly_chart(
        register_charts.members_by_figure(registers.members_by(data, as_of, "kommun"), "kommun", lang),
        width="stretch",
        config=chart_config(lang),
    )

st.subheader(t("registers.behind_heading", lang))
behind_sections(data, "members", as_of, lang)
members = registers.members_at(data, as_of)
if access.allowed("view_member_data"):
    with st.expander(
        t("registers.members_list", lang, count=format_number(len(members), lang), date=format_date(as_of, lang))
    ):
        st.table(register_views.display_table(members, lang, data), hide_index=True)
else:
    st.caption(t("access.members_hidden", lang))
