"""The house look of every chart: font, language-aware separators, the dashed as-of line.

Shared by the metric charts (:mod:`kpi.show.charts`), the register charts and the map, on screen
and in the reports, so all of them read alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kpi.text.i18n import format_date, t

FONT: dict[str, Any] = dict(family="Source Sans Pro, DejaVu Sans, Arial, sans-serif", size=15, color="#1f2328")
SEPARATORS = {"sv": ", ", "en": ".,"}  # plotly: decimal mark, then thousands separator
AS_OF_COLOUR = "#24292f"
# Every chart's legend: below the plot at the container's bottom, from the figure's left edge (not
# the plot's, which long labels push right), so on a phone the entries wrap instead of running off
# the right side. Placed below the plot area instead (yref "paper", y < 0), it made plotly widen
# the left margin by the legend's width and squeeze the plot into the right half.
LEGEND_BELOW: dict[str, Any] = dict(
    orientation="h", yanchor="bottom", y=0, yref="container", xanchor="left", x=0, xref="container"
)

# Plotly's own English strings: the toolbar over a chart (each button's hint) and the hint after a
# zoom. Plotly looks each up in the chart's ``locales`` dictionary; keys are plotly's own words.
_PLOTLY_STRINGS = {
    "Download plot as a PNG": "download_png",
    "Download plot": "download",
    "Zoom": "zoom",
    "Pan": "pan",
    "Box Select": "box_select",
    "Lasso Select": "lasso_select",
    "Zoom in": "zoom_in",
    "Zoom out": "zoom_out",
    "Autoscale": "autoscale",
    "Reset axes": "reset_axes",
    "Reset view": "reset_view",
    "Reset views": "reset_view",
    "Reset": "reset",
    "Toggle Spike Lines": "spikelines",
    "Show closest data on hover": "hover_closest",
    "Compare data on hover": "hover_compare",
    "Toggle show closest data on hover": "hover_closest",
    "Double-click to zoom back out": "zoom_back",
}
# Streamlit adds one button of its own to that toolbar, "Fullscreen", whose hint plotly does not
# look up: it stays English (like Streamlit's other control labels).


def chart_config(lang: str) -> dict[str, Any]:
    """The plotly config of every chart on screen: no plotly logo, and its toolbar in ``lang``.

    Streamlit hands this to plotly.js; without ``locales`` the toolbar's hints are English in
    the Swedish view ("Download plot as a PNG", "Reset axes").
    """
    config: dict[str, Any] = {"displaylogo": False, "responsive": True}
    if lang != "en":
        dictionary = {english: t("charts.plotly." + key, lang) for english, key in _PLOTLY_STRINGS.items()}
        config["locale"] = lang
        config["locales"] = {lang: {"dictionary": dictionary}}
    return config


def as_of_line(fig: Any, as_of: dt.date, lang: str, anchor: str = "auto") -> None:
    """A dash-dot vertical line at the as-of date, labelled "Läge per 30 juni 2026" above the plot."""
    fig.add_shape(
        type="line",
        x0=as_of,
        x1=as_of,
        y0=0,
        y1=1,
        yref="paper",
        line=dict(color=AS_OF_COLOUR, width=1.5, dash="dashdot"),
    )
    fig.add_annotation(
        x=as_of,
        y=1,
        yref="paper",
        yanchor="bottom",
        xanchor=anchor,
        showarrow=False,
        text=t("dashboard.chart_as_of", lang, date=format_date(as_of, lang)),
        font=dict(size=13, color=AS_OF_COLOUR),
    )
