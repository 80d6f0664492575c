"""Översikt / Overview: how many goals per status, then a card per metric grouped by area."""

import streamlit as st

from kpi.judge.rules import STATUSES
from kpi.show.status import status_label
from kpi.show.views import cards, file_changes, filter_statuses, group_by_area, pack_changes, summary_counts
from kpi.text.i18n import format_date, t
from ui.cards import render_views, summary_strip
from ui.state import dataset, notices, sidebar, statuses

state = sidebar()
lang = state.lang
st.title(t("dashboard.overview_title", lang, date=format_date(state.as_of, lang)))
data = dataset(state)
if data is None:
    st.stop()
notices(data, state)

now = statuses(data, state.as_of)
st.caption(t("dashboard.overview_intro", lang, count=len(now), compare=format_date(state.compare, lang)))
summary_strip(summary_counts(now, lang))
since_pack = pack_changes(data, now, state.as_of, lang)
if since_pack is not None:
    with st.expander(since_pack.title, icon=":material/history:"):
        st.markdown("\n".join(f"- {line}" for line in since_pack.lines) or t("dashboard.pack_no_changes", lang))

config = data.config
area_ids = [area_id for area_id in config.area_ids() if any(item.metric.area == area_id for item in now)]
filtered = bool(st.session_state.get("filter_area") or st.session_state.get("filter_status"))
with st.expander(t("dashboard.filter", lang), icon=":material/filter_list:", expanded=filtered):
    chosen_areas = st.pills(
        t("dashboard.filter_area", lang),
        area_ids,
        selection_mode="multi",
        key="filter_area",
        format_func=lambda area_id: config.area_name(area_id, lang),
    )
    present = [status for status in STATUSES if any(item.status == status for item in now)]
    chosen_statuses = st.pills(
        t("dashboard.filter_status", lang),
        present,
        selection_mode="multi",
        key="filter_status",
        format_func=lambda status: status_label(status, lang),
    )

shown = filter_statuses(now, chosen_areas, chosen_statuses)
if not shown:
    st.info(t("dashboard.filter_none", lang))
views = {view.metric_id: view for view in cards(data, shown, lang, state.compare)}
for _area_id, area_name, members in group_by_area(config, shown, lang):
    st.subheader(area_name, divider="gray")
    render_views([views[item.id] for item in members], lang)

with st.expander(t("dashboard.files_changed_heading", lang), icon=":material/description:"):
    st.table(file_changes(data, lang), hide_index=True)
