"""Board packs: the status of every metric frozen as the board saw it at a meeting.

A pack is one readable JSON file, ``data/snapshots/<meeting date>.json``, holding the goals as
they were defined (targets.yaml), the observations that counted (dated on or before the meeting),
``MetricStatus.to_dict`` of every metric in both languages and the board's comment per metric.
Because the pack carries its own goals and observations, a report made from it later shows
exactly the numbers the board saw, even after the data files were corrected; and two packs (or a
pack and today's data) can be compared: "what moved since the last meeting".

Packs live beside the data but are never read by :func:`kpi.load.load_dataset` (it reads
``metrics/*.csv`` and the register files only). Writing is atomic (temporary file in the same
folder, flush, fsync, then a link or rename), and an existing pack is never overwritten unless
asked, even when two people press "save" at the same moment.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpi import clock
from kpi.judge.explain import status_record
from kpi.judge.rules import MetricStatus, evaluate_all
from kpi.model.dataset import Dataset, FileInfo, Series
from kpi.model.problems import DataError, Problem
from kpi.model.targets import Config
from kpi.model.values import as_date, as_number, as_text
from kpi.read.tables import connect
from kpi.write.atomic import atomic_write
from kpi.write.auth import redact

PACK_FORMAT = "malbild-board-pack"
PACK_VERSION = 1
SNAPSHOT_FOLDER = "snapshots"
MAX_COMMENT = 2000
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
# Fields of MetricStatus.to_dict that carry the numbers the board saw; a rebuilt status must agree.
_FROZEN_FIELDS = ("status", "value", "value_date", "pace", "expected", "stale", "eta", "needed_per_month", "done_date")


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
            raise DataError([Problem(SNAPSHOT_FOLDER if link == path.parent else _label(path), "store_symlink")])
    if path.exists() and not replace:
        raise PackExistsError([Problem(_label(path), "reports_pack_exists", params={"date": meeting_date.isoformat()})])
    document = pack_document(dataset, meeting_date, comments, author, created)
    data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    try:
        atomic_write(path, data, replace=replace)
    except FileExistsError:
        raise PackExistsError(
            [Problem(_label(path), "reports_pack_exists", params={"date": meeting_date.isoformat()})]
        ) from None
    except OSError as exc:  # a read-only or full volume: a message, and atomic_write left nothing
        raise DataError(
            [Problem(_label(path), "store_write_failed", params={"detail": exc.strerror or str(exc)})]
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


def _label(path: Path) -> str:
    return f"{SNAPSHOT_FOLDER}/{path.name}"


# --- reading ----------------------------------------------------------------------------------------


@dataclass
class BoardPack:
    """A saved board pack, with its goals and observations rebuilt into a :class:`Dataset`."""

    path: Path
    meeting_date: dt.date
    created: str
    author: str
    organisation: str
    comments: dict[str, str]
    records: dict[str, dict[str, Any]]  # metric id -> the stored to_dict (plus en, comment, observations)
    dataset: Dataset
    statuses: list[MetricStatus] = field(default_factory=list)

    @property
    def config(self) -> Config:
        return self.dataset.config


@dataclass(frozen=True)
class BoardPackInfo:
    """A pack in a listing: enough to choose one without reading every pack in full."""

    meeting_date: dt.date
    path: Path


def list_packs(data_dir: Path) -> list[BoardPackInfo]:
    """Saved packs, oldest first; other files in the folder (temporary files, notes) are ignored."""
    folder = snapshots_dir(data_dir)
    if not folder.is_dir():
        return []
    packs = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        try:
            packs.append(BoardPackInfo(dt.date.fromisoformat(match.group(1)), path))
        except ValueError:
            continue
    return sorted(packs, key=lambda info: info.meeting_date)


def find_pack(data_dir: Path, meeting_date: dt.date) -> BoardPack:
    """The pack of one meeting; :class:`DataError` (exit code 1 in the CLI) when there is none."""
    path = pack_path(data_dir, meeting_date)
    if not path.is_file():
        dates = ", ".join(info.meeting_date.isoformat() for info in list_packs(data_dir)) or "–"
        raise DataError(
            [Problem(_label(path), "reports_pack_missing", params={"date": meeting_date.isoformat(), "dates": dates})]
        )
    return load_pack(path)


def latest_pack(data_dir: Path, before: dt.date | None = None) -> BoardPack | None:
    """The newest pack dated strictly before ``before`` (all packs when ``before`` is None).

    Strictly before: on the day of a meeting, "since the last meeting" means the previous one.
    Unreadable packs are skipped here (listing them is :func:`list_packs`' job).
    """
    for info in reversed(list_packs(data_dir)):
        if before is not None and info.meeting_date >= before:
            continue
        try:
            return load_pack(info.path)
        except DataError:
            continue
    return None


def load_pack(path: Path) -> BoardPack:
    """Read a pack and rebuild its goals, observations and statuses.

    The statuses are evaluated again from the frozen goals and observations (so charts and
    trends work as for live data); any number that differs from the stored record (which can
    only happen if the rule itself changed since) is replaced by the stored one: the pack is
    the record of what the board saw.
    """
    path = Path(path)
    label = _label(path)
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise DataError([Problem(label, "file_missing")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem(label, "reports_pack_broken", params={"detail": str(exc)})]) from None
    if not isinstance(document, dict) or document.get("format") != PACK_FORMAT:
        raise DataError([Problem(label, "reports_pack_broken", params={"detail": f"format is not {PACK_FORMAT}"})])
    try:
        meeting_date = dt.date.fromisoformat(document["meeting_date"])
        config = Config.model_validate(document["config"])
        records = {record["id"]: record for record in document["metrics"]}
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError([Problem(label, "reports_pack_broken", params={"detail": str(exc)[:300]})]) from None
    dataset = _pack_dataset(config, path, records, document.get("files") or [], meeting_date)
    statuses = evaluate_all(config, dataset.series, meeting_date)
    for item in statuses:
        if item.id in records:
            _apply_record(item, records[item.id])
    comments = {
        metric_id: record.get("comment") or "" for metric_id, record in records.items() if record.get("comment")
    }
    return BoardPack(
        path=path,
        meeting_date=meeting_date,
        created=str(document.get("created") or ""),
        author=str(document.get("author") or ""),
        organisation=str(document.get("organisation") or ""),
        comments=comments,
        records=records,
        dataset=dataset,
        statuses=statuses,
    )


def _pack_dataset(
    config: Config, path: Path, records: dict[str, dict], files: list[dict], meeting_date: dt.date
) -> Dataset:
    """A :class:`Dataset` over the pack's own observations: reports use it like live data."""
    rows = []
    for metric_id, record in records.items():
        for obs in record.get("observations") or []:
            rows.append(
                {
                    "metric": metric_id,
                    "date": dt.date.fromisoformat(obs["date"]),
                    "value": float(obs["value"]),
                    "note": obs.get("note"),
                    "source": obs.get("source"),
                    "file": obs.get("file"),
                    "row": obs.get("row"),
                }
            )
    frame = pd.DataFrame(rows, columns=["metric", "date", "value", "note", "source", "file", "row"])
    frame = frame.astype(
        {"metric": "object", "value": "float64", "note": "object", "source": "object", "file": "object", "row": "Int64"}
    )
    con = connect()
    con.register("pack_frame", frame)
    con.execute("""CREATE TABLE observations AS
                   SELECT metric::VARCHAR AS metric, date::DATE AS date, value::DOUBLE AS value, note::VARCHAR AS note,
                          source::VARCHAR AS source, file::VARCHAR AS file, row::BIGINT AS row
                   FROM pack_frame ORDER BY metric, date""")
    con.unregister("pack_frame")
    series = {}
    for metric_id, record in records.items():
        points = sorted((obs["date"], float(obs["value"])) for obs in record.get("observations") or [])
        if points:
            series[metric_id] = Series(
                np.array([p[0] for p in points], dtype="datetime64[D]"),
                np.array([p[1] for p in points], dtype="float64"),
                stepwise=bool(record.get("stepwise")),
            )
    infos = [
        FileInfo(
            str(item.get("label")),
            Path(str(item.get("label"))),
            str(item.get("kind") or "metrics"),
            _parse_datetime(item.get("modified")),
            int(item.get("rows") or 0),
        )
        for item in files
    ]
    data_dir = path.parent.parent
    return Dataset(config=config, data_dir=data_dir, con=con, files=infos, series=series, today=meeting_date)


def _parse_datetime(text: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _apply_record(status: MetricStatus, record: dict[str, Any]) -> None:
    current = status_record(status, "sv")
    for key in _FROZEN_FIELDS:
        if key not in record or current.get(key) == record[key]:
            continue
        value = record[key]
        if key in ("value_date", "eta", "done_date"):
            value = dt.date.fromisoformat(value) if value else None
        setattr(status, key, value)


# --- comparing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What moved for one metric between a pack and a later view (another pack or today's data)."""

    metric_id: str
    name: str
    old_status: str | None
    new_status: str
    old_value: float | None
    new_value: float | None
    old_comment: str
    new_comment: str
    decimals: int | None = None

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def delta(self) -> float | None:
        if self.old_value is None or self.new_value is None:
            return None
        return self.new_value - self.old_value

    @property
    def value_changed(self) -> bool:
        return self.old_value != self.new_value

    @property
    def comment_changed(self) -> bool:
        return bool(self.new_comment) and self.new_comment != self.old_comment


def changes_since(
    pack: BoardPack, statuses: list[MetricStatus], comments: dict[str, str] | None = None, lang: str = "sv"
) -> list[Change]:
    """Status changes, value changes (with the difference) and new comments since ``pack``.

    ``statuses`` is the later view (``evaluate_all`` at a later date, or a later pack's
    statuses with that pack's ``comments``). Metrics unchanged in all three respects are left
    out; metrics the pack did not have yet appear with ``old_status`` None. Milestones compare
    done / not done (value 1 / 0).
    """
    comments = comments or {}
    changes = []
    for item in statuses:
        record = pack.records.get(item.id)
        old_status = record["status"] if record else None
        old_value = record.get("value") if record else None
        old_comment = (record.get("comment") or "") if record else ""
        change = Change(
            metric_id=item.id,
            name=item.metric.display_name(lang),
            old_status=old_status,
            new_status=item.status,
            old_value=old_value,
            new_value=None if item.value is None else as_number(item.value, 4),
            old_comment=old_comment,
            new_comment=comments.get(item.id, "") or "",
            decimals=item.metric.decimals,
        )
        if change.status_changed or change.value_changed or change.comment_changed:
            changes.append(change)
    return changes


@dataclass
class PackEntry:
    """A saved pack with the pack before it and what changed between the two meetings."""

    pack: BoardPack
    previous: BoardPack | None
    changes: list[Change]


def pack_history(data_dir: Path, lang: str = "sv", loader=None) -> tuple[list[PackEntry], list[Problem]]:
    """Every readable pack, newest first, each compared with the one before it.

    ``loader`` reads one pack from its path (the app passes a cached :func:`load_pack`).
    Unreadable packs are reported as problems and skipped, never a reason to show nothing.
    """
    loader = loader or load_pack
    packs, problems = [], []
    for info in list_packs(data_dir):
        try:
            packs.append(loader(info.path))
        except DataError as exc:
            problems.extend(exc.problems)
    entries = []
    for index, pack in enumerate(packs):
        previous = packs[index - 1] if index else None
        changes = changes_since(previous, pack.statuses, pack.comments, lang) if previous else []
        entries.append(PackEntry(pack, previous, changes))
    return list(reversed(entries)), problems


__all__ = [
    "PACK_FORMAT",
    "PACK_VERSION",
    "Change",
    "BoardPack",
    "PackExistsError",
    "BoardPackInfo",
    "changes_since",
    "find_pack",
    "latest_pack",
    "list_packs",
    "load_pack",
    "pack_document",
    "pack_path",
    "pack_history",
    "PackEntry",
    "save_pack",
    "snapshots_dir",
]
