"""Forgetting a former member: their name leaves every file under the data folder, no number moves.

A member's name is personal data when the member is a sole trader, and the association keeps it
only while it needs it (``docs/privacy.md``). :func:`forget_member` replaces a former member's name
with a pseudonym ("Anonymiserad medlem M012") wherever it is written under the data folder: the
member register, every backup copy in ``.history/``, board packs (comments), notes in metrics
files, other registers' free text and the change log's comments. The member id, dates, category,
municipality and leave reason stay, so every count and every status is unchanged.

Undo keeps working: backups are compared by their sha256 in the change log, so the log's hashes
of every rewritten file are mapped from old to new. The work is made recoverable by a journal of
hashes (never names), ``.forget-journal.json``, written before the first file is rewritten and
removed after the change log is: :func:`recover` (run at the start of every forget) completes a
forget that was interrupted. The change log records that a member was forgotten, not which.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from kpi import clock
from kpi.model.problems import DataError, Problem, UsageError
from kpi.model.values import is_missing
from kpi.read.sniff import decode
from kpi.write.atomic import atomic_write
from kpi.write.files import DataFile
from kpi.write.imports import sha256_hex
from kpi.write.store import (
    CHANGELOG,
    CHANGELOG_COLUMNS,
    EDITOR_MAX,
    LOCK_DIR,
    LogEntry,
    append_changelog,
    clean_text,
    file_lock,
    read_changelog,
)

JOURNAL = ".forget-journal.json"
MEMBERS = DataFile("members", "members")
PSEUDONYM = "Anonymiserad medlem {member_id}"
_TEXT_SUFFIXES = (".csv", ".json", ".txt")


@dataclass(frozen=True)
class ForgetResult:
    member_id: str
    pseudonym: str
    files: list[str]  # rewritten, relative to the data folder


def forget_member(data_dir: Path, member_id: str, *, editor: str) -> ForgetResult:
    """Replace former member ``member_id``'s name by a pseudonym in every file under ``data_dir``.

    Raises :class:`UsageError` for an id that is not in the register or a member who has not left
    (a current member is still in a relation with the association: remove them first), and
    :class:`DataError` when the register cannot be read.
    """
    data_dir = Path(data_dir)
    editor = clean_text(editor, EDITOR_MAX)
    if not editor:
        raise ValueError("forgetting a member needs the editor's name or e-mail for the change log")
    recover(data_dir)
    with file_lock(data_dir, MEMBERS.relpath):
        name = _former_member_name(data_dir, member_id)
        pseudonym = PSEUDONYM.format(member_id=member_id)
        if name is None or name == pseudonym:
            return ForgetResult(member_id, pseudonym, [])
        rewrites = _rewrites(data_dir, name, pseudonym)
        journal = {relpath: [sha256_hex(old) or "", sha256_hex(new) or ""] for relpath, (old, new) in rewrites.items()}
        atomic_write(data_dir / JOURNAL, json.dumps({"files": journal}, indent=2).encode("utf-8"))
        for relpath, (_old, new) in rewrites.items():
            atomic_write(data_dir / relpath, new)
        members_before, members_after = journal.get(MEMBERS.relpath, ["", ""])
        with file_lock(data_dir, "changelog"):
            _rewrite_changelog(data_dir, name, pseudonym, dict(journal.values()))
        append_changelog(
            data_dir,
            LogEntry(
                clock.now().isoformat(timespec="seconds"),
                editor,
                MEMBERS.relpath,
                "forget",
                0,
                1,
                0,
                members_before or "",
                members_after or "",
                "",
                "",
                uuid.uuid4().hex[:16],
            ),
        )
        (data_dir / JOURNAL).unlink(missing_ok=True)
        return ForgetResult(member_id, pseudonym, sorted(rewrites))


def recover(data_dir: Path) -> bool:
    """Finish a forget that was interrupted: map the change log's hashes of the files it had already
    rewritten. Returns whether there was anything to finish."""
    path = Path(data_dir) / JOURNAL
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))["files"]
    except FileNotFoundError:
        return False
    except (ValueError, KeyError, TypeError):
        raise DataError([Problem(JOURNAL, "forget_journal_broken")]) from None
    done = {old: new for relpath, (old, new) in journal.items() if sha256_hex(_read(Path(data_dir) / relpath)) == new}
    with file_lock(data_dir, "changelog"):
        _rewrite_changelog(Path(data_dir), None, None, done)
    path.unlink(missing_ok=True)
    return True


def _former_member_name(data_dir: Path, member_id: str) -> str | None:
    path = MEMBERS.path(data_dir)
    data = _read(path)
    if data is None:
        raise UsageError([Problem(MEMBERS.relpath, "forget_no_register")])
    text = decode(data, MEMBERS.relpath).text
    delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    for record in csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter):
        record = {str(key).strip().lower(): value for key, value in record.items() if key is not None}
        if (record.get("member_id") or "").strip() != member_id:
            continue
        if is_missing(record.get("left")) or not (record.get("left") or "").strip():
            raise UsageError(
                [Problem(MEMBERS.relpath, "forget_still_member", column="left", params={"member": member_id})]
            )
        name = (record.get("name") or "").strip()
        return name or None
    raise UsageError(
        [Problem(MEMBERS.relpath, "forget_unknown_member", column="member_id", params={"member": member_id})]
    )


def _pattern(name: str) -> re.Pattern[str]:
    """The name as a whole word (also in its CSV-quoted form), so "Ek" never changes "Ekhaga"."""
    forms = sorted({re.escape(name), re.escape(name.replace('"', '""'))}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")(?!\w)")


def _rewrites(data_dir: Path, name: str, pseudonym: str) -> dict[str, tuple[bytes, bytes]]:
    """Every text file under the data folder that holds the name, with its new bytes (same encoding)."""
    pattern = _pattern(name)
    found: dict[str, tuple[bytes, bytes]] = {}
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        skipped = relative.parts[0] == LOCK_DIR or path.name in (CHANGELOG, JOURNAL)
        if skipped or not path.is_file() or path.is_symlink() or not path.name.endswith(_TEXT_SUFFIXES):
            continue
        old = path.read_bytes()
        new = _replaced(old, relative.as_posix(), pattern, pseudonym)
        if new is not None:
            found[relative.as_posix()] = (old, new)
    return found


def _replaced(data: bytes, label: str, pattern: re.Pattern[str], pseudonym: str) -> bytes | None:
    try:
        decoded = decode(data, label)
    except DataError:
        return None  # not a text file this project wrote
    text, count = pattern.subn(pseudonym, decoded.text)
    if not count:
        return None
    body = text.encode("cp1252" if decoded.encoding == "cp1252" else "utf-8")
    return (b"\xef\xbb\xbf" + body) if decoded.encoding == "utf-8-sig" else body


def _rewrite_changelog(data_dir: Path, name: str | None, pseudonym: str | None, hashes: dict[str, str]) -> None:
    """The change log with old hashes mapped to new ones and the name gone from its comments.

    Called with the change log's lock held; written atomically (a crash leaves the old log, and the
    journal is still there for :func:`recover`).
    """
    path = data_dir / CHANGELOG
    if not path.is_file() or not (hashes or name):
        return
    entries = read_changelog(data_dir)
    pattern = _pattern(name) if name else None
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(CHANGELOG_COLUMNS)
    for entry in entries:
        entry.sha256_before = hashes.get(entry.sha256_before, entry.sha256_before)
        entry.sha256_after = hashes.get(entry.sha256_after, entry.sha256_after)
        if pattern is not None and pseudonym is not None:
            entry.comment = pattern.sub(pseudonym, entry.comment)
            entry.editor = pattern.sub(pseudonym, entry.editor)
        writer.writerow(entry.row())
    atomic_write(path, b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
