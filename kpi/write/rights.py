"""The members' rights: a member's own data on request (GDPR art. 15, "registerutdrag") and former
members forgotten on a schedule (art. 5(1)(e) and 17).

:func:`export_member` writes everything the data folder holds about one member into one JSON file
and a plain-text summary beside it: their rows in every personal register (the member register,
logins, survey answers, participations: the registers marked ``personal`` in kpi.model.registers),
earlier versions of their register row kept in ``.history/``, and every note, comment or change-log
line that names them (found as :mod:`kpi.write.forget` finds a name). The change log records that an
export was made, by whom and for which member id.

:func:`expired_members` lists the former members whose retention period (``retention_years`` in
``access.yaml``, default two years after the date they left) has run out and whose name is still
in the register, with where each name is written; ``kpi member forget --expired --yes`` forgets
them with :func:`kpi.write.forget.forget_member`, which changes no number and no status.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from kpi import clock
from kpi.model.problems import DataError, Problem, UsageError
from kpi.model.registers import REGISTERS
from kpi.model.values import is_missing
from kpi.read.sniff import decode
from kpi.write.atomic import atomic_write
from kpi.write.forget import MEMBERS, PSEUDONYM, Matcher, Trace, find_traces, member_names, member_rows
from kpi.write.store import EDITOR_MAX, HISTORY_DIR, LogEntry, append_changelog, clean_text

DEFAULT_RETENTION_YEARS = 2


@dataclass(frozen=True)
class Export:
    member_id: str
    json_path: Path
    text_path: Path
    rows: int
    mentions: int


def export_member(data_dir: Path, member_id: str, out: Path, *, editor: str) -> Export:
    """Write what ``data_dir`` holds about ``member_id`` to ``out`` (JSON) and ``out`` with ``.txt``."""
    data_dir, out = Path(data_dir), Path(out)
    editor = clean_text(editor, EDITOR_MAX)
    members = _read(MEMBERS.path(data_dir))
    if members is None:
        raise UsageError([Problem(MEMBERS.relpath, "forget_no_register")])
    if member_id not in member_rows(members, MEMBERS.relpath):
        raise UsageError(
            [Problem(MEMBERS.relpath, "forget_unknown_member", column="member_id", params={"member": member_id})]
        )
    registers: dict[str, list[dict[str, str]]] = {}
    for register in REGISTERS.values():
        if not register.personal:
            continue
        data = _read(data_dir / register.file)
        if data is None:
            continue
        found = [row for key, row in _all_rows(data, register.file) if key == member_id]
        if found:
            registers[register.file] = found
    earlier: list[dict[str, str]] = []
    history = data_dir / HISTORY_DIR / MEMBERS.relpath.removesuffix(".csv")
    current = registers.get(MEMBERS.relpath, [])
    for copy in sorted(history.glob("*.csv")) if history.is_dir() else []:
        if copy.is_file() and not copy.is_symlink():
            row = member_rows(_read(copy) or b"", copy.name).get(member_id)
            if row is not None and row not in current and row not in earlier:
                earlier.append(row)
    names = _every_name(data_dir, member_id)
    mentions: list[Trace] = []
    if names:
        others = [name for name in _other_names(data_dir, member_id) if name not in names]
        skip = {register.file for register in REGISTERS.values() if register.personal}
        mentions = [
            trace
            for trace in find_traces(data_dir, Matcher(names, others))
            if trace.file not in skip and not trace.file.startswith(HISTORY_DIR + "/")
        ]
    now = clock.now().replace(microsecond=0)
    document = {
        "member_id": member_id,
        "exported": now.isoformat(),
        "exported_by": editor,
        "registers": registers,
        "earlier_versions_of_the_register_row": earlier,
        "mentions": [asdict(trace) for trace in mentions],
    }
    payload = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    text_path = out.with_suffix(".txt")
    try:
        atomic_write(out, payload)
        atomic_write(text_path, _summary(document).encode("utf-8"))
    except OSError as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        raise DataError([Problem(out.name, "privacy.export_write_failed", params={"detail": detail})]) from None
    entry = LogEntry(
        now.isoformat(), editor, MEMBERS.relpath, "export", 0, 0, 0, "", "", member_id, "", uuid.uuid4().hex[:16]
    )
    append_changelog(data_dir, entry)
    rows = sum(len(found) for found in registers.values())
    return Export(member_id, out, text_path, rows, len(mentions))


def _summary(document: dict) -> str:
    """The export in plain words (Swedish and English), for the member to read."""
    lines = [
        f"Registerutdrag / Data export: {document['member_id']}",
        f"Utfört / Made: {document['exported']} ({document['exported_by']})",
        "",
    ]
    for file, rows in document["registers"].items():
        lines.append(f"== {file} ({len(rows)}) ==")
        for row in rows:
            lines.extend(f"  {key}: {value}" for key, value in row.items() if value not in (None, ""))
            lines.append("")
    if document["earlier_versions_of_the_register_row"]:
        lines.append("== Tidigare versioner av raden i medlemsregistret / Earlier versions of the register row ==")
        for row in document["earlier_versions_of_the_register_row"]:
            lines.append("  " + "; ".join(f"{key}: {value}" for key, value in row.items() if value))
        lines.append("")
    lines.append(
        f"== Anteckningar och kommentarer som nämner medlemmen / Notes and comments ({len(document['mentions'])}) =="
    )
    lines.extend(f"  {mention['file']}:{mention['line']}: {mention['text']}" for mention in document["mentions"])
    return "\n".join(lines) + "\n"


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except FileNotFoundError:
        return None


def _all_rows(data: bytes, label: str) -> list[tuple[str, dict[str, str]]]:
    """Every row of a register with its member id (several rows per member: logins, answers)."""
    try:
        text = decode(data, label).text
    except DataError:
        return []
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    found = []
    for record in csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter):
        row = {str(key).strip().lower(): value or "" for key, value in record.items() if key is not None}
        found.append(((row.get("member_id") or "").strip(), row))
    return found


def _every_name(data_dir: Path, member_id: str) -> list[str]:
    """Every name the member had (now and in backups), current member or former."""
    names = []
    tables = [member_rows(_read(MEMBERS.path(data_dir)) or b"", MEMBERS.relpath)]
    history = data_dir / HISTORY_DIR / MEMBERS.relpath.removesuffix(".csv")
    for copy in sorted(history.glob("*.csv")) if history.is_dir() else []:
        tables.append(member_rows(_read(copy) or b"", copy.name))
    for table in tables:
        name = " ".join((table.get(member_id, {}).get("name") or "").split())
        if name and name != PSEUDONYM.format(member_id=member_id) and name not in names:
            names.append(name)
    return names


def _other_names(data_dir: Path, member_id: str) -> list[str]:
    table = member_rows(_read(MEMBERS.path(data_dir)) or b"", MEMBERS.relpath)
    return [" ".join((row.get("name") or "").split()) for key, row in table.items() if key != member_id]


# --- retention ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expired:
    member_id: str
    left: dt.date
    forget_from: dt.date
    traces: list[Trace]


def expired_members(
    data_dir: Path, years: int = DEFAULT_RETENTION_YEARS, today: dt.date | None = None
) -> list[Expired]:
    """Former members whose name is still kept ``years`` after the day they left, with where it is."""
    data_dir = Path(data_dir)
    today = today or clock.today()
    members = _read(MEMBERS.path(data_dir))
    if members is None:
        return []
    found = []
    for member_id, row in sorted(member_rows(members, MEMBERS.relpath).items()):
        left_text = (row.get("left") or "").strip()
        if is_missing(row.get("left")) or not left_text:
            continue
        try:
            left = dt.date.fromisoformat(left_text[:10])
        except ValueError:
            continue
        forget_from = _add_years(left, years)
        if forget_from > today:
            continue
        names, others = member_names(data_dir, member_id)
        names = [name for name in names if name.casefold() != PSEUDONYM.format(member_id=member_id).casefold()]
        traces = find_traces(data_dir, Matcher(names, others)) if names else []
        if traces:
            found.append(Expired(member_id, left, forget_from, traces))
    return found


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def export_files(data_dir: Path, member_id: str, editor: str) -> list[tuple[str, bytes, str]]:
    """The export as files to hand over in the app (name, content, media type): written by
    :func:`export_member` in a private temporary folder that is removed before this returns, so no
    copy of the member's data stays on the server beyond the change log's entry."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="malbild-export-") as scratch:
        done = export_member(data_dir, member_id, Path(scratch) / f"registerutdrag-{member_id}.json", editor=editor)
        return [
            (done.json_path.name, done.json_path.read_bytes(), "application/json"),
            (done.text_path.name, done.text_path.read_bytes(), "text/plain"),
        ]
