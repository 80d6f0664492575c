"""Aktiviteter: the activity goals, the year's calendar (held, planned, not reported), planned
versus held per type, and attendance at the members' meetings."""

import streamlit as st

from kpi.read import registers
from kpi.show import register_charts
from kpi.show import registers as register_views
from kpi.show.style import chart_config
from kpi.text.i18n import t
from ui.cards import area_section, behind_sections
from ui.state import open_page

state, data = open_page()
lang, as_of = state.lang, state.as_of
year = as_of.year
area_section(data, state, "activities")

if not registers.has_register(data, "activities"):
    st.info(t("registers.no_register", lang, file="activities.csv"))
    st.stop()

calendar = registers.activities_in_year(data, year, as_of)
st.subheader(t("registers.calendar_heading", lang, year=year))
if calendar.empty:
    st.info(t("registers.nothing", lang))
else:
    st.plotly_chart(
        register_charts.activity_calendar_figure(calendar, year, as_of, lang),
        width="stretch",
        config=chart_config(lang),
    )
    with st.expander(t("registers.calendar_table", lang, year=year)):
        st.table(
            register_views.display_table(
                calendar, lang, data, ["date", "type", "title", "state", "participants", "members_present", "row"]
            ),
            hide_index=True,
        )

    st.subheader(t("registers.planned_vs_done_heading", lang, year=year))
    summary = registers.activity_summary(data, year, as_of)
    st.plotly_chart(register_charts.planned_vs_done_figure(summary, lang), width="stretch", config=chart_config(lang))
    st.table(register_views.display_table(summary, lang, data), hide_index=True)

st.subheader(t("registers.attendance_heading", lang))
attendance = registers.attendance_table(data, until=as_of)
if attendance.empty:
    st.info(t("registers.nothing", lang))
else:
    goal = register_views.attendance_goal(data, as_of)
    st.plotly_chart(
        register_charts.attendance_figure(attendance, lang, goal), width="stretch", config=chart_config(lang)
    )
    st.table(
        register_views.display_table(
            attendance, lang, data, ["date", "type", "title", "members_present", "members", "attendance_pct", "row"]
        ),
        hide_index=True,
    )

st.subheader(t("registers.behind_heading", lang))
behind_sections(data, "activities", as_of, lang)
