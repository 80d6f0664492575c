"""How a status looks: an icon and a word always, a colour as well, never the colour alone.

One table for the dashboard, the reports and the command line, so a status reads the same
everywhere (:func:`status_label`: "⚠ Risk").
"""

from __future__ import annotations

from typing import Any

from kpi.judge.explain import status_record
from kpi.judge.rules import STATUSES, MetricStatus, count_by_status
from kpi.model.status import STATUS_TABLE, status

# Lookups derived from the one status table (kpi.model.status), for the writers that colour cells.
STATUS_ICONS: dict[str, str] = {item.code: item.icon for item in STATUS_TABLE}
STATUS_COLOURS: dict[str, str] = {item.code: item.colour for item in STATUS_TABLE}


def status_label(code: str, lang: str) -> str:
    """Icon and word together: status is never carried by colour alone."""
    return status(code).label(lang)


def tint(colour: str, share: float = 0.14) -> str:
    """A light background of ``colour`` (``#rrggbb`` mixed with white) for badges and cells."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = lambda channel: round(255 - (255 - channel) * share)  # noqa: E731
    return f"#{mix(red):02x}{mix(green):02x}{mix(blue):02x}"


def status_table(statuses: list[MetricStatus], lang: str) -> tuple[list[str], list[list[Any]]]:
    """The flat status table (one row per metric) shared by the CSV output and the reports."""
    years = sorted(
        {target.date.year for item in statuses for target in item.targets if item.metric.kind_of.has_targets}
    )
    header = [
        "id",
        "name",
        "area",
        "kind",
        "unit",
        "value",
        "value_date",
        "status",
        "status_label",
        "pace",
        "expected",
        "stale",
        "next_target_date",
        "next_target_value",
        "eta",
        "needed_per_month",
        "due",
        "done_date",
    ]
    for year in years:
        header += [f"target_{year}", f"met_{year}"]
    rows = []
    for item in statuses:
        data = status_record(item, lang)
        row = [
            data["id"],
            data["name"],
            data["area"],
            data["kind"],
            data["unit"],
            data["value"],
            data["value_date"],
            data["status"],
            data["status_label"],
            data["pace"],
            data["expected"],
            data["stale"],
            (data["next_target"] or {}).get("date"),
            (data["next_target"] or {}).get("value"),
            data["eta"],
            data["needed_per_month"],
            data["due"],
            data["done_date"],
        ]
        for year in years:
            target = item.target_for_year(year) if item.metric.kind_of.has_targets else None
            row += [target.value if target else None, target.met if target else None]
        rows.append(row)
    return header, rows


def status_counts_text(statuses: list[MetricStatus], lang: str) -> str:
    """ "3 ✔ Uppnått · 2 ↗ På väg · 1 ⚠ Risk": a one-line summary, statuses in the rule's order."""
    counts = count_by_status(statuses)
    return " · ".join(f"{counts[code]} {status_label(code, lang)}" for code in STATUSES if counts[code])
