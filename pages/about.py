"""Metod & data / Method & data: how a status is decided, which files the numbers come from, credits."""

import streamlit as st

from kpi import paths
from kpi.model.dataset import Dataset
from kpi.model.problems import errors, warnings
from kpi.show.maps import MAP_ATTRIBUTION
from kpi.show.method import method_intro
from kpi.show.views import file_rows, rule_lines
from kpi.text.i18n import format_number, plural, t
from ui import access
from ui.state import dataset, show_data_problems, shown_path, sidebar
from ui.text import escape_markdown, show_table

state = sidebar()
lang = state.lang
st.title(t("dashboard.about_title", lang))
loaded = dataset(state)
if loaded is None:
    st.stop()
data: Dataset = loaded  # a name the page's functions see as loaded

if paths.is_example_data(state.data_dir):
    st.info(t("ui.example_data", lang, path=shown_path(state.data_dir)), icon="ℹ️")

st.header(t("dashboard.rule_heading", lang))
st.markdown(method_intro(data.config, lang))
st.markdown("\n".join(f"- {line}" for line in rule_lines(data.config, lang)))
st.markdown(t("dashboard.rule_year_to_date", lang))
thresholds = data.config.status_thresholds
st.markdown(
    "**"
    + t(
        "dashboard.thresholds_in_force",
        lang,
        on_track=format_number(thresholds.on_track, lang, 2),
        at_risk=format_number(thresholds.at_risk, lang, 2),
    )
    + "**"
)
st.caption(t("dashboard.rule_more", lang))

st.header(t("dashboard.files_heading", lang))
if access.allowed("view_member_data"):  # the server's paths only for those with a role
    st.caption(t("dashboard.files_folder", lang, path=str(state.data_dir), targets=str(state.targets)))
rows = file_rows(data, lang)
if rows:
    show_table(rows, hide_index=True)
else:
    st.info(t("dashboard.files_none", lang, path=shown_path(state.data_dir)))

st.subheader(t("dashboard.problems_heading", lang))
found_errors, found_warnings = errors(data.problems), warnings(data.problems)
if not data.problems:
    st.success(t("dashboard.problems_none", lang), icon=":material/check_circle:")
if found_errors:
    st.error(plural("ui.data_errors", lang, len(found_errors)), icon="⚠️")
    show_data_problems(found_errors, lang)
if found_warnings:
    st.warning(plural("ui.data_warnings", lang, len(found_warnings)))
    show_data_problems(found_warnings, lang)

if any("agreements" in area.registers for area in data.config.area_list()):  # the map is drawn
    st.header(t("dashboard.attribution_heading", lang))
    st.markdown(MAP_ATTRIBUTION[lang])

st.header(t("privacy.a11y_heading", lang))
st.markdown(
    t(
        "privacy.a11y_body",
        lang,
        organisation=escape_markdown(data.config.organisation_name(t("privacy.a11y_association", lang))),
    )
)

st.header(t("dashboard.example_heading", lang))
st.markdown(
    t("ui.example_data", lang, path=shown_path(state.data_dir))
    if paths.is_example_data(state.data_dir)
    else t("dashboard.example_off", lang)
)
