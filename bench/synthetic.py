"""Synthetic configurations at a chosen scale, for measuring how Målbild grows with its data.

Scale 1 is about the size of the bundled example (≈1 000 observations); scale 1 000 is ten years
of daily-ish data over 500 metrics (≈1 million observations). The data is written the way staff
would: long-form CSV files, some semicolon-separated with decimal commas.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import yaml

BASE_OBSERVATIONS = 1000


def metrics_for_scale(scale: int) -> int:
    return {1: 20, 10: 50, 100: 200}.get(scale, 500 if scale >= 1000 else max(20, min(500, scale // 2)))


def write_synthetic(folder: Path, scale: int, seed: int = 42) -> tuple[Path, Path, int]:
    """Write ``targets.yaml`` and ``data/metrics/*.csv``; return (data_dir, targets, observations)."""
    rng = random.Random(seed)
    n_metrics = metrics_for_scale(scale)
    total = BASE_OBSERVATIONS * scale
    per_metric = math.ceil(total / n_metrics)
    end = dt.date(2026, 10, 31)
    step_days = max(1, (365 * 10) // per_metric)
    data_dir = folder / "data"
    (data_dir / "metrics").mkdir(parents=True, exist_ok=True)
    metrics = []
    files = max(1, min(20, n_metrics // 25))
    handles = []
    for index in range(files):
        sep = ";" if index % 2 else ","
        handle = (data_dir / "metrics" / f"part{index:02d}.csv").open("w", encoding="utf-8", newline="")
        handle.write(sep.join(("metric", "date", "value", "note")) + "\n")
        handles.append((handle, sep))
    written = 0
    for m in range(n_metrics):
        metric_id = f"metric_{m:04d}"
        kind = "year_to_date" if m % 10 == 0 else "latest"
        start_value = rng.randint(100, 10000)
        metrics.append(
            {
                "id": metric_id,
                "name": {"sv": f"Mätetal {m}", "en": f"Metric {m}"},
                "area": f"area_{m % 8}",
                "aggregation": kind,
                "cadence": "monthly",
                **(
                    {}
                    if kind == "year_to_date"
                    else {"baseline": {"date": dt.date(2025, 12, 31), "value": start_value}}
                ),
                "targets": (
                    [{"date": dt.date(2026, 12, 31), "value": 50}]
                    if kind == "year_to_date"
                    else [
                        {"date": dt.date(2026, 12, 31), "value": start_value * 1.2},
                        {"date": dt.date(2030, 12, 31), "value": start_value * 1.8},
                    ]
                ),
            }
        )
        handle, sep = handles[m % files]
        value = start_value * 0.7
        for k in range(per_metric):
            day = end - dt.timedelta(days=(per_metric - 1 - k) * step_days)
            value += rng.uniform(-1, 3) * start_value / 1000
            shown = 1 if kind == "year_to_date" else round(value, 1)
            text = str(shown).replace(".", ",") if sep == ";" else str(shown)
            if sep == "," and "," in text:
                text = f'"{text}"'
            handle.write(sep.join((metric_id, day.isoformat(), text, "")) + "\n")
            written += 1
    for handle, _ in handles:
        handle.close()
    targets = folder / "targets.yaml"
    targets.write_text(yaml.safe_dump({"metrics": metrics}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data_dir, targets, written
