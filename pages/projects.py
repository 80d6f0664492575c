"""Projekt: the project goals, then every milestone per project and work package on a timeline,
overdue ones first in the table, and the share done per package."""

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
area_section(data, state, "projects")

if not registers.has_register(data, "milestones"):
    st.info(t("registers.no_register", lang, file="milestones.csv"))
    st.stop()

milestones = registers.milestones_table(data, as_of)
progress = registers.milestone_progress(data, as_of)
st.subheader(t("registers.progress_heading", lang))
st.plotly_chart(
    register_charts.milestone_progress_figure(progress, lang, data), width="stretch", config=chart_config(lang)
)
st.table(
    register_views.display_table(
        progress, lang, data, ["project", "package", "milestones", "done", "overdue", "open", "done_pct", "overdue_pct"]
    ),
    hide_index=True,
)

st.subheader(t("registers.timeline_heading", lang))
st.plotly_chart(
    register_charts.milestone_timeline_figure(milestones, as_of, lang, data), width="stretch", config=chart_config(lang)
)

st.subheader(t("registers.milestones_heading", lang))
st.caption(t("registers.milestones_caption", lang))
st.table(
    register_views.display_table(
        milestones,
        lang,
        data,
        ["status", "project", "package", "milestone", "due", "done", "days_overdue", "evidence", "row"],
    ),
    hide_index=True,
)

behind_sections(data, "projects", as_of, lang)
