"""Helpers the tests share: paths, one-line builders of metrics and series, the report fixture.

A plain module (not a test module and not conftest), so any test may import it; the fixtures
that set state up (a fixed "today", a copied data folder, an AppTest runner) are in conftest.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from kpi.model.dataset import Dataset, Series
from kpi.model.targets import Metric
from kpi.read.load import load_dataset

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The one "today" of the whole suite: every test sees this date, whatever the calendar says.
TODAY = dt.date(2026, 11, 23)
HYPERLINK = '=HYPERLINK("http://x","y")'
REPORT_AS_OF = dt.date(2026, 6, 30)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def series(*points: tuple[str, float], stepwise: bool = False) -> Series:
    ordered = sorted(points)
    return Series(
        np.array([p[0] for p in ordered], dtype="datetime64[D]"),
        np.array([float(p[1]) for p in ordered], dtype="float64"),
        stepwise=stepwise,
    )


def metric(**fields: Any) -> Metric:
    base = {"id": "m", "name": {"sv": "M", "en": "M"}, "area": "a"}
    base.update(fields)
    return Metric.model_validate(base)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with its sha256: proof that an operation wrote nothing."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def page_texts(at: Any) -> str:
    """Every text an AppTest page shows (markdown, captions, headings, notices, expander labels)."""
    parts = [
        element.value for kind in ("markdown", "caption", "subheader", "header", "info") for element in at.get(kind)
    ]
    parts += [expander.label for expander in at.expander]
    return "\n".join(str(part) for part in parts)


def page_tables(at: Any) -> str:
    return "\n".join(table.value.to_csv() for table in at.table)


# --- the report fixture: tests/fixtures/basic plus a project (KISMET) with three milestones -------

PROJECT_METRICS = """
  - id: kismet_plan
    name: {sv: Handlingsplan för ekodistrikt, en: Eco-district action plan}
    area: activities
    kind: milestone
    due: 2026-04-30
    project: kismet
    package: fa2
  - id: kismet_mapping
    name: {sv: Kartläggning av ekologiska aktörer, en: Mapping of organic actors}
    area: activities
    kind: milestone
    due: 2026-09-30
    project: kismet
    package: fa1
  - id: kismet_final
    name: {sv: Slutkonferens, en: Final conference}
    area: activities
    kind: milestone
    due: 2027-03-31
    project: kismet
    package: fa1
projects:
  - id: kismet
    name: {sv: KISMET, en: KISMET}
    funder: Interreg Baltic Sea Region
    start: 2026-01-01
    end: 2026-12-31
    packages:
      - {id: fa1, name: {sv: "1 Styrning och kartläggning", en: "1 Governance and mapping"}}
      - {id: fa2, name: {sv: "2 Hållbar konsumtion", en: "2 Sustainable consumption"}}
"""
# As of 2026-06-30: kismet_mapping done 2026-02-10 → reached; kismet_plan due 2026-04-30, not
# done → off_track; kismet_final due 2027-03-31 → on_track (outside the project period 2026).
BASIC_NAMES = [
    "Prenumeranter på nyhetsbrevet",
    "Följare i sociala medier",
    "Utbildningar",
    "Kostnader (tkr)",
    "Kansli (heltidstjänster)",
    "Samverkan med UF",
    "Egen märkning",
    "Butiker med lokala livsmedel",
]
PROJECT_NAMES = ["Handlingsplan för ekodistrikt", "Kartläggning av ekologiska aktörer", "Slutkonferens"]


def project_fixture(folder: Path, note: str | None = None) -> tuple[Path, Path]:
    """Copy tests/fixtures/basic to ``folder`` and add the KISMET project; returns (data, targets).

    ``note`` replaces the note of newsletter_subscribers on 2026-05-31 ("Kampanj i maj").
    """
    shutil.copytree(FIXTURES / "basic", folder, dirs_exist_ok=True)
    targets = folder / "targets.yaml"
    targets.write_text(targets.read_text(encoding="utf-8").rstrip("\n") + "\n" + PROJECT_METRICS, encoding="utf-8")
    data = folder / "data"
    (data / "metrics" / "kismet.csv").write_text(
        "metric;date;value;note\nkismet_mapping;2026-02-10;1;Klart i februari\n", encoding="utf-8"
    )
    if note is not None:
        path = data / "metrics" / "communication.csv"
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        for row in rows:
            if row[0] == "newsletter_subscribers" and row[1] == "2026-05-31":
                row[3] = note
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    return data, targets


def load(data: Path, targets: Path) -> Dataset:
    return load_dataset(data, targets, today=TODAY)
