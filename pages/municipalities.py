"""Kommunsamverkan: the agreement goals, the map of the nine municipalities on the as-of date
(with the boundaries' attribution) and the agreements register with its dates."""

import streamlit as st

from kpi.read import registers
from kpi.show import maps
from kpi.show import registers as register_views
from kpi.show.style import chart_config
from kpi.text.i18n import t
from ui.cards import area_section, behind_sections
from ui.state import open_page

state, data = open_page()
lang, as_of = state.lang, state.as_of
area_section(data, state, "municipalities")

if not registers.has_register(data, "agreements"):
    st.info(t("registers.no_register", lang, file="agreements.csv"))
    st.stop()

st.subheader(t("registers.map_heading", lang))
st.plotly_chart(maps.agreements_map(data, as_of, lang), width="stretch", config=chart_config(lang))
st.caption(maps.MAP_ATTRIBUTION[lang])

st.subheader(t("registers.agreements_heading", lang))
st.caption(t("registers.measure.agreements.active_count", lang))
st.table(register_views.display_table(registers.agreements_table(data, as_of), lang, data), hide_index=True)

behind_sections(data, "municipalities", as_of, lang)
