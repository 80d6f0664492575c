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
