"""Board packs read back and compared: what the board saw at a meeting, and what moved since.

A pack (written by :mod:`kpi.write.packs`) carries its own goals and observations; reading it
rebuilds them into a :class:`~kpi.model.dataset.Dataset` and judges them again, keeping every
stored number (the pack is the record of what the board saw). Comparing a pack with a later view
gives the "since the last meeting" changes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpi.judge.explain import status_record
from kpi.judge.rules import MetricStatus, evaluate_all
from kpi.model.dataset import Dataset, FileInfo, Series
from kpi.model.problems import DataError, Problem
from kpi.model.targets import Config
from kpi.model.values import as_number
from kpi.read.tables import connect
from kpi.write.packs import FROZEN_FIELDS, PACK_FORMAT, PACK_NAME, pack_label, pack_path, snapshots_dir

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
        match = PACK_NAME.match(path.name)
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
            [
                Problem(
                    pack_label(path), "reports_pack_missing", params={"date": meeting_date.isoformat(), "dates": dates}
                )
            ]
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
    label = pack_label(path)
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
    for key in FROZEN_FIELDS:
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
