"""Board packs: the status of every metric frozen as the board saw it at a meeting.

A pack is one readable JSON file, ``data/snapshots/<meeting date>.json``, holding the goals as
they were defined (targets.yaml), the observations that counted (dated on or before the meeting),
the JSON record (:func:`kpi.judge.explain.status_record`) of every metric in both languages and the board's comment per metric.
Because the pack carries its own goals and observations, a report made from it later shows
exactly the numbers the board saw, even after the data files were corrected; and two packs (or a
pack and today's data) can be compared: "what moved since the last meeting".

Packs live beside the data but are never read by :func:`kpi.read.load.load_dataset` (it reads
``metrics/*.csv`` and the register files only). Reading a pack back and comparing two are in
:mod:`kpi.show.packs`; this module writes them. Writing is atomic (temporary file in the same
folder, flush, fsync, then a link or rename), and an existing pack is never overwritten unless
asked, even when two people press "save" at the same moment.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from kpi import clock
from kpi.judge.explain import status_record
from kpi.judge.rules import evaluate_all
from kpi.model.dataset import Dataset
from kpi.model.problems import DataError, Problem
from kpi.model.targets import Config
from kpi.model.values import as_date, as_number, as_text
from kpi.write.atomic import atomic_write
from kpi.write.auth import redact

PACK_FORMAT = "malbild-board-pack"
PACK_VERSION = 1
SNAPSHOT_FOLDER = "snapshots"
MAX_COMMENT = 2000
PACK_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
# Fields of MetricStatus.to_dict that carry the numbers the board saw; a rebuilt status must agree.
FROZEN_FIELDS = ("status", "value", "value_date", "pace", "expected", "stale", "eta", "needed_per_month", "done_date")


class PackExistsError(DataError):
    """A pack for this meeting date is already saved (pass ``replace=True`` to overwrite it)."""


# --- writing ----------------------------------------------------------------------------------------


def snapshots_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SNAPSHOT_FOLDER


def pack_path(data_dir: Path, meeting_date: dt.date) -> Path:
    return snapshots_dir(data_dir) / f"{meeting_date.isoformat()}.json"


def pack_document(
    dataset: Dataset,
    meeting_date: dt.date,
    comments: dict[str, str] | None = None,
    author: str = "",
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """The pack as a JSON-ready dict: what :func:`save_pack` writes (separate so it is testable)."""
    config = dataset.config
    comments = _clean_comments(config, comments or {})
    statuses = evaluate_all(config, dataset.series, meeting_date)
    metrics = []
    for item in statuses:
        record = status_record(item, "sv")
        english = status_record(item, "en")
        record["en"] = {key: english[key] for key in ("name", "status_label", "explanation")}
        record["comment"] = comments.get(item.id, "")
        series = dataset.series.get(item.id)
        record["stepwise"] = bool(series.stepwise) if series is not None else False
        record["observations"] = _observations_until(dataset, item.id, meeting_date)
        metrics.append(record)
    organisation = config.organisation.name if config.organisation else ""
    return {
        "format": PACK_FORMAT,
        "version": PACK_VERSION,
        "meeting_date": meeting_date.isoformat(),
        "created": (created or clock.now().replace(tzinfo=None)).replace(microsecond=0).isoformat(),
        "author": redact((author or "").strip())[:200],
        "organisation": organisation,
        "files": [
            {
                "label": info.label,
                "kind": info.kind,
                "rows": info.rows,
                "modified": info.modified.replace(microsecond=0).isoformat() if info.modified else None,
            }
            for info in dataset.files
        ],
        "config": config.model_dump(mode="json", by_alias=True, exclude_none=True),
        "metrics": metrics,
    }


def save_pack(
    dataset: Dataset,
    meeting_date: dt.date,
    comments: dict[str, str] | None = None,
    author: str = "",
    *,
    replace: bool = False,
    created: dt.datetime | None = None,
) -> Path:
    """Freeze every metric's status as of ``meeting_date`` into ``data/snapshots/<date>.json``.

    Raises :class:`PackExistsError` when that meeting already has a pack and ``replace`` is
    false, and :class:`DataError` for a comment on a metric that targets.yaml does not know.
    """
    path = pack_path(dataset.data_dir, meeting_date)
    for link in (path.parent, path):  # never write through a link planted in the data folder
        if link.is_symlink():
            raise DataError([Problem(SNAPSHOT_FOLDER if link == path.parent else pack_label(path), "store_symlink")])
    if path.exists() and not replace:
        raise PackExistsError(
            [Problem(pack_label(path), "reports_pack_exists", params={"date": meeting_date.isoformat()})]
        )
    document = pack_document(dataset, meeting_date, comments, author, created)
    data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    try:
        atomic_write(path, data, replace=replace)
    except FileExistsError:
        raise PackExistsError(
            [Problem(pack_label(path), "reports_pack_exists", params={"date": meeting_date.isoformat()})]
        ) from None
    except OSError as exc:  # a read-only or full volume: a message, and atomic_write left nothing
        raise DataError(
            [Problem(pack_label(path), "store_write_failed", params={"detail": exc.strerror or str(exc)})]
        ) from None
    return path


def _clean_comments(config: Config, comments: dict[str, str]) -> dict[str, str]:
    known = set(config.metric_ids())
    problems = []
    cleaned = {}
    for metric_id, text in comments.items():
        # The same cleaning as a change-log comment: the editor password never reaches a pack.
        text = "" if text is None else redact(str(text).strip())
        if not text:
            continue
        if metric_id not in known:
            problems.append(
                Problem("comments", "reports_unknown_metric", column=str(metric_id), params={"metric": metric_id})
            )
            continue
        if len(text) > MAX_COMMENT:
            problems.append(
                Problem(
                    "comments",
                    "reports_comment_long",
                    column=metric_id,
                    params={"metric": metric_id, "limit": MAX_COMMENT},
                )
            )
            continue
        cleaned[metric_id] = text
    if problems:
        raise DataError(problems)
    return cleaned


def _observations_until(dataset: Dataset, metric_id: str, when: dt.date) -> list[dict[str, Any]]:
    """The rows that counted at the meeting; for register metrics, the computed series itself."""
    frame = dataset.observations(metric_id)
    rows = []
    for record in frame.itertuples(index=False):
        day = as_date(record.date)
        if day is None or day > when:
            continue
        rows.append(
            {
                "date": day.isoformat(),
                "value": as_number(record.value),
                "note": as_text(record.note),
                "source": as_text(record.source),
                "file": as_text(record.file),
                "row": int(record.row) if record.row == record.row and record.row is not None else None,
            }
        )
    if not rows:
        series = dataset.series.get(metric_id)
        if series is not None and len(series):
            cut = int(np.searchsorted(series.dates, np.datetime64(when), side="right"))
            rows = [
                {
                    "date": day.astype(dt.date).isoformat(),
                    "value": as_number(value),
                    "note": None,
                    "source": "register",
                    "file": None,
                    "row": None,
                }
                for day, value in zip(series.dates[:cut], series.values[:cut])
            ]
    return rows


def pack_label(path: Path) -> str:
    return f"{SNAPSHOT_FOLDER}/{path.name}"


__all__ = [
    "PACK_FORMAT",
    "PACK_VERSION",
    "PackExistsError",
    "pack_document",
    "pack_path",
    "save_pack",
    "snapshots_dir",
]
