"""Mätetal i detalj / Metric detail: the chart, the sentence that explains the status, the rows behind it.

The metric is chosen in the URL (``?metric=newsletter_subscribers``), so a card's link and a
shared link open the same metric. The selectbox writes its choice back to the URL by hand: a
bound selectbox would put the translated name in the URL, which changes with the language.
"""

import streamlit as st

from kpi.judge.explain import explanation
from kpi.judge.rules import evaluate
from kpi.model.dataset import Dataset, Series
from kpi.show import registers as register_views
from kpi.show.charts import metric_figure
from kpi.show.registers import register_title
from kpi.show.status import STATUS_COLOURS, status_label
from kpi.show.style import chart_config
from kpi.show.views import forecast_text, observation_table, target_rows
from kpi.text.i18n import localized, t
from ui import access
from ui.cards import status_badge_html
from ui.state import dataset, notices, sidebar
from ui.text import escape_markdown, show_table

state = sidebar()
lang = state.lang
loaded = dataset(state)
if loaded is None:
    st.stop()
data: Dataset = loaded  # a name the page's functions see as loaded
notices(data, state)

config = data.config
ids = config.metric_ids()
if not ids:
    st.info(t("dashboard.no_metrics", lang))
    st.stop()
wanted = st.query_params.get("metric")
if wanted and wanted not in ids:
    st.warning(t("dashboard.unknown_metric", lang, metric=wanted))
metric_id = st.selectbox(
    t("dashboard.choose_metric", lang),
    ids,
    index=ids.index(wanted) if wanted in ids else 0,
    format_func=lambda value: config.metric(value).display_name(lang),
)
if st.query_params.get("metric") != metric_id:
    st.query_params["metric"] = metric_id

metric = config.metric(metric_id)
status = evaluate(
    metric, data.series.get(metric_id, Series.empty()), state.as_of, config.status_thresholds, config.growth_thresholds
)

st.title(escape_markdown(metric.display_name(lang)))  # targets.yaml text: shown as typed
context = [t("dashboard.area_of", lang, area=escape_markdown(config.area_name(metric.area, lang)))]
if metric.project:
    project = config.project(metric.project)
    context.append(t("dashboard.project_of", lang, project=localized(project.name, lang)))
    for package in project.packages:
        if package.id == metric.package:
            context.append(t("dashboard.package_of", lang, package=localized(package.name, lang)))
st.caption(" · ".join(context))

st.markdown(status_badge_html(status_label(status.status, lang), STATUS_COLOURS[status.status]), unsafe_allow_html=True)
st.markdown(f"#### {explanation(status, lang)}")
outlook = forecast_text(status, lang)
if outlook:
    st.markdown(outlook)

st.plotly_chart(
    metric_figure(data, status, lang),
    config=chart_config(lang),
    alt=t("dashboard.chart_alt", lang, name=metric.display_name(lang)),
)

left, right = st.columns([1, 1], gap="large")
with left:
    description = metric.display_description(lang)
    if description:
        st.subheader(t("dashboard.description", lang))
        st.markdown(f"> {escape_markdown(description)}")
with right:
    st.subheader(t("dashboard.targets_heading", lang))
    st.table(
        [
            {
                t("dashboard.target_date", lang): row.date_text,
                t("dashboard.target_value", lang): row.target_text,
                t("dashboard.target_met_col", lang): row.met_text,
                t("dashboard.target_judged", lang): row.value_text,
            }
            for row in target_rows(status, lang)
        ],
        hide_index=True,
    )

st.subheader(t("dashboard.observations_heading", lang))
if metric.source is not None:
    st.info(t("dashboard.register_source", lang, register=register_title(metric.source.register_name, lang)))
    behind = register_views.behind_table(data, metric_id, state.as_of, lang)
    shown = access.visible_behind(data, [behind], lang) if behind is not None else []
    if shown and behind is not None:
        # "Which ones?": the register rows behind the number, with the measure's exact definition.
        st.markdown(f"**{escape_markdown(behind.title)}**")
        st.caption(escape_markdown(behind.definition))
        show_table(behind.table, hide_index=True)
else:
    rows = access.visible_observations(observation_table(data, metric_id, state.as_of, lang), lang)
    if rows:
        st.dataframe(
            rows,
            hide_index=True,
            column_config={
                t("dashboard.obs_note", lang): st.column_config.TextColumn(width="large"),
                t("dashboard.obs_row", lang): st.column_config.TextColumn(width="small"),
            },
        )
    else:
        st.info(t("dashboard.observations_none", lang))
