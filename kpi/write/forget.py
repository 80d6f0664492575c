"""Forgetting a former member: their name leaves every file under the data folder, no number moves.

A member's name is personal data when the member is a sole trader, and the association keeps it
only while it needs it (``docs/privacy.md``). :func:`forget_member` replaces a former member's name
with a pseudonym ("Anonymiserad medlem M012") wherever it is written under the data folder: the
member register, every backup copy in ``.history/``, board packs (comments), notes in metrics
files, other registers' free text and the change log's comments. The member id, dates, category,
municipality and leave reason stay, so every count and every status is unchanged.

What is searched for: every name the member had (the register now and every backup of it, so an
earlier spelling goes too), as a whole name (word boundaries), in any letter case, in the forms the
files write it (CSV doubles a ``"``, JSON escapes ``"``, ``\\`` and non-ASCII letters as
``\\u00f6``), in UTF-8 and cp1252 files alike. Where another member's name contains it ("Engströms
Kök & Catering" around "Engströms Kök"), that occurrence is another member's and is never touched.
:func:`find_traces` lists every match before anything is replaced.

One run holds the store's locks of every data file and of the change log from its first read to
its last write, so a save cannot land between them and be overwritten. The journal
``.forget-journal.json`` is written before the first file is rewritten and carries what is needed to
finish: the names (a hash of a name cannot find it in a note), the pseudonym and the files' hashes
before and after. The next run, or :func:`recover`, finishes an interrupted one, and a run says it
is done only after reading every file again and finding no trace; the journal is removed last.
Undo keeps working: the change log's hashes of every rewritten file are mapped from old to new. The
change log records that a member was forgotten, not which. A full disk or a read-only folder is a
:class:`DataError`, not a traceback; files already rewritten are put back where possible.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from filelock import Timeout

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
    HISTORY_DIR,
    LOCK_DIR,
    LogEntry,
    _refuse_symlinks,
    append_changelog,
    clean_text,
    file_lock,
    read_changelog,
)

JOURNAL = ".forget-journal.json"
MEMBERS = DataFile("members", "members")
PSEUDONYM = "Anonymiserad medlem {member_id}"
_TEXT_SUFFIXES = (".csv", ".json", ".txt")
_OWN = frozenset({CHANGELOG, JOURNAL})


@dataclass(frozen=True)
class Trace:
    """One place a name is written: the file (relative to the data folder), its line and the text."""

    file: str
    line: int
    text: str


@dataclass(frozen=True)
class ForgetResult:
    member_id: str
    pseudonym: str
    files: list[str]  # rewritten, relative to the data folder
    traces: list[Trace] = field(default_factory=list)  # every match, listed before replacing


def forget_member(data_dir: Path, member_id: str, *, editor: str, dry_run: bool = False) -> ForgetResult:
    """Replace former member ``member_id``'s names by a pseudonym in every file under ``data_dir``.

    With ``dry_run``, only lists where the names are (``traces``) and changes nothing. Raises
    :class:`UsageError` for an id that is not in the register or a member who has not left (a
    current member is still in a relation with the association: remove them first), and
    :class:`DataError` when the register cannot be read, the files cannot be written (a full disk,
    a read-only folder) or a trace is still there afterwards.
    """
    data_dir = Path(data_dir)
    editor = clean_text(editor, EDITOR_MAX)
    if not editor:
        raise ValueError("forgetting a member needs the editor's name or e-mail for the change log")
    with file_lock(data_dir, MEMBERS.relpath):
        member_names(data_dir, member_id)  # refuses an unknown or current member before taking every lock
    with _store_locks(data_dir):
        if not dry_run:
            _recover_locked(data_dir, editor)
        pseudonym = PSEUDONYM.format(member_id=member_id)
        names, others = member_names(data_dir, member_id)
        names = [name for name in names if name.casefold() != pseudonym.casefold()]
        if not names:
            return ForgetResult(member_id, pseudonym, [])
        matcher = Matcher(names, others)
        traces = find_traces(data_dir, matcher)
        if dry_run or not traces:
            return ForgetResult(member_id, pseudonym, [], traces)
        journal = {"id": uuid.uuid4().hex[:16], "member_id": member_id, "names": names, "others": others}
        journal["pseudonym"] = pseudonym
        files = _run(data_dir, journal, editor)
        return ForgetResult(member_id, pseudonym, files, traces)


def recover(data_dir: Path, editor: str = "recover") -> bool:
    """Finish a forget that was interrupted (its journal is there): every remaining trace replaced,
    the change log's hashes mapped, every file read again. Returns whether there was one."""
    with _store_locks(Path(data_dir)):
        return _recover_locked(Path(data_dir), editor)


def _recover_locked(data_dir: Path, editor: str) -> bool:
    path = data_dir / JOURNAL
    data = _read(path)
    if data is None:
        return False
    try:
        journal = json.loads(data.decode("utf-8"))
        if not isinstance(journal["files"], dict) or not all(isinstance(n, str) for n in journal["names"]):
            raise TypeError
        journal.setdefault("others", [])
        str(journal["pseudonym"]), str(journal["id"])
    except (ValueError, KeyError, TypeError):
        raise DataError([Problem(JOURNAL, "forget_journal_broken")]) from None
    _run(data_dir, journal, editor)
    return True


def _run(data_dir: Path, journal: dict, editor: str) -> list[str]:
    """Rewrite, map the change log's hashes, log, verify, then remove the journal. Locks are held."""
    matcher = Matcher(journal["names"], journal.get("others", []))
    pseudonym = journal["pseudonym"]
    done = {
        old: new
        for relpath, (old, new) in journal.get("files", {}).items()
        if old and sha256_hex(_read(data_dir / relpath)) == new
    }
    rewrites = _rewrites(data_dir, matcher, pseudonym)
    files = dict(journal.get("files", {}))
    files.update({rel: [sha256_hex(old) or "", sha256_hex(new) or ""] for rel, (old, new) in rewrites.items()})
    journal = {**journal, "files": files}
    written: list[str] = []
    try:
        _refuse_symlinks(data_dir, [data_dir / JOURNAL, data_dir / CHANGELOG] + [data_dir / rel for rel in rewrites])
        atomic_write(data_dir / JOURNAL, json.dumps(journal, indent=2, ensure_ascii=False).encode("utf-8"))
        for relpath, (_old, new) in rewrites.items():
            atomic_write(data_dir / relpath, new)
            written.append(relpath)
        done.update({sha256_hex(old) or "": sha256_hex(new) or "" for old, new in rewrites.values()})
        done.pop("", None)
        _rewrite_changelog(data_dir, matcher, pseudonym, done)
        if not any(entry.id == journal["id"] for entry in read_changelog(data_dir)):
            members_before, members_after = files.get(MEMBERS.relpath, ["", ""])
            entry = LogEntry(
                clock.now().isoformat(timespec="seconds"), editor, MEMBERS.relpath, "forget", 0, 1, 0,
                members_before or "", members_after or "", "", "", journal["id"],
            )  # fmt: skip
            _append(data_dir, entry)
    except (OSError, Timeout) as exc:
        _put_back(data_dir, rewrites, written)
        detail = getattr(exc, "strerror", None) or str(exc)
        raise DataError([Problem(JOURNAL, "privacy.forget_write_failed", params={"detail": detail})]) from None
    left = sorted({trace.file for trace in find_traces(data_dir, matcher, changelog=True)})
    if left:
        raise DataError([Problem(file, "privacy.forget_traces_left") for file in left])
    (data_dir / JOURNAL).unlink(missing_ok=True)
    return sorted(set(rewrites) | {rel for rel, (_o, new) in files.items() if sha256_hex(_read(data_dir / rel)) == new})


def _put_back(data_dir: Path, rewrites: dict[str, tuple[bytes, bytes]], written: list[str]) -> None:
    """After a failed write: the files already rewritten get their old bytes back, so the change
    log's hashes (and undo) still hold; the journal goes only if all of them could be restored."""
    try:
        for relpath in reversed(written):
            atomic_write(data_dir / relpath, rewrites[relpath][0])
        (data_dir / JOURNAL).unlink(missing_ok=True)
    except OSError:
        pass  # the journal stays: the next run (or recover) finishes the forget


def _append(data_dir: Path, entry: LogEntry) -> None:
    """Append one change-log line; the caller already holds the log's lock."""
    append_changelog(data_dir, entry, lock_held=True)


# --- locks --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _store_locks(data_dir: Path) -> Iterator[None]:
    """Every data file's store lock (in sorted order), then the change log's: what saves, undo and
    prune take, held for the whole run. A lock that stays taken is a :class:`DataError`."""
    found = {_lock_name(data_dir, path) for path in _candidates(data_dir)}
    names = sorted({name for name in found if name} | {MEMBERS.relpath})
    try:
        with contextlib.ExitStack() as stack:
            for name in [*names, "changelog"]:
                stack.enter_context(file_lock(data_dir, name))
            yield
    except Timeout:
        raise DataError([Problem(MEMBERS.relpath, "privacy.forget_busy")]) from None


def _lock_name(data_dir: Path, path: Path) -> str | None:
    """The store lock that guards ``path``: its own data file's, or for a backup in ``.history/<stem>/``
    the lock of ``<stem>.csv``; the change log's lock is taken separately."""
    parts = path.relative_to(data_dir).parts
    if parts[0] == HISTORY_DIR and len(parts) > 2:
        return "/".join(parts[1:-1]) + ".csv"
    if parts[0].startswith(".") or path.name in _OWN or path.suffix != ".csv":
        return None  # board packs and the like are written whole, under no store lock
    return path.relative_to(data_dir).as_posix()


# --- finding names ------------------------------------------------------------------------------


def _variants(char: str) -> list[str]:
    """How one character of a name may be written in a file, as regular expressions."""
    forms: set[str] = set()
    for variant in {char, char.lower(), char.upper()}:
        if len(variant) != 1:
            continue
        forms.add(re.escape(variant))
        if variant == '"':
            forms.update({'""', r'\\"'})
        elif variant == "\\":
            forms.add(r"\\\\")
        elif variant == "/":
            forms.add(r"\\/")
        if ord(variant) > 126 or variant in "<>&'":
            forms.add(r"\\u" + f"{ord(variant):04x}")
    if char.isspace():
        return [r"(?:\s|\\u00a0|\\n)+"]
    return sorted(forms, key=len, reverse=True)


def _compile(names: list[str]) -> re.Pattern[str] | None:
    bodies = []
    for name in sorted({" ".join(name.split()) for name in names if name and name.strip()}, key=len, reverse=True):
        bodies.append("".join("(?:" + "|".join(_variants(char)) + ")" for char in name))
    if not bodies:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(bodies) + r")(?!\w)", re.IGNORECASE)


class Matcher:
    """The member's names as whole names in any case and file encoding, never inside another
    member's name that contains them."""

    def __init__(self, names: list[str], others: list[str]) -> None:
        self.names = _compile(names)
        probe = self.names
        containing = [other for other in others if probe is not None and probe.search(other)]
        self.others = _compile(containing)

    def spans(self, text: str) -> list[tuple[int, int]]:
        if self.names is None:
            return []
        protected = [match.span() for match in self.others.finditer(text)] if self.others else []
        return [
            match.span()
            for match in self.names.finditer(text)
            if not any(start <= match.start() and match.end() <= end for start, end in protected)
        ]

    def replace(self, text: str, pseudonym: str) -> tuple[str, int]:
        spans = self.spans(text)
        for start, end in reversed(spans):
            text = text[:start] + pseudonym + text[end:]
        return text, len(spans)


def member_names(data_dir: Path, member_id: str) -> tuple[list[str], list[str]]:
    """Every name ``member_id`` had (the register now, then every backup of it) and every other
    member's names. Raises :class:`UsageError` for an unknown member or one who has not left."""
    path = MEMBERS.path(data_dir)
    data = _read(path)
    if data is None:
        raise UsageError([Problem(MEMBERS.relpath, "forget_no_register")])
    current = member_rows(data, MEMBERS.relpath)
    record = current.get(member_id)
    if record is None:
        raise UsageError(
            [Problem(MEMBERS.relpath, "forget_unknown_member", column="member_id", params={"member": member_id})]
        )
    if is_missing(record.get("left")) or not (record.get("left") or "").strip():
        raise UsageError([Problem(MEMBERS.relpath, "forget_still_member", column="left", params={"member": member_id})])
    names: list[str] = []
    others: list[str] = []
    tables = [current]
    history = data_dir / HISTORY_DIR / MEMBERS.relpath.removesuffix(".csv")
    for copy in sorted(history.glob("*.csv")) if history.is_dir() else []:
        if copy.is_file() and not copy.is_symlink():
            tables.append(member_rows(_read(copy) or b"", copy.name))
    for table in tables:
        for key, row in table.items():
            name = " ".join((row.get("name") or "").split())
            if name:
                (names if key == member_id else others).append(name)
    names = list(dict.fromkeys(names))
    return names, sorted(set(others) - set(names))


def member_rows(data: bytes, label: str) -> dict[str, dict[str, str]]:
    try:
        text = decode(data, label).text
    except DataError:
        return {}
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows: dict[str, dict[str, str]] = {}
    for record in csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter):
        record = {str(key).strip().lower(): value for key, value in record.items() if key is not None}
        member = (record.get("member_id") or "").strip()
        if member:
            rows[member] = record
    return rows


def _candidates(data_dir: Path) -> list[Path]:
    """Text files under the data folder a name may be in (not the locks, not the journal)."""
    found = []
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if relative.parts[0] == LOCK_DIR or path.name == JOURNAL:
            continue
        if path.is_symlink() or not path.is_file() or not path.name.endswith(_TEXT_SUFFIXES):
            continue
        found.append(path)
    return found


def find_traces(data_dir: Path, matcher: Matcher, *, changelog: bool = True) -> list[Trace]:
    """Every place under ``data_dir`` one of the names is written, file by file and line by line."""
    traces = []
    for path in _candidates(data_dir):
        if path.name == CHANGELOG and not changelog:
            continue
        text = _text(_read(path) or b"", path.name)
        if text is None:
            continue
        for start, _end in matcher.spans(text):
            line = text.count("\n", 0, start) + 1
            traces.append(Trace(path.relative_to(data_dir).as_posix(), line, text.splitlines()[line - 1][:200]))
    return traces


def _text(data: bytes, label: str) -> str | None:
    try:
        return decode(data, label).text if data else None
    except DataError:
        return None


def _rewrites(data_dir: Path, matcher: Matcher, pseudonym: str) -> dict[str, tuple[bytes, bytes]]:
    """Every text file under the data folder (but the change log) that holds a name, with its new
    bytes in the same encoding."""
    found: dict[str, tuple[bytes, bytes]] = {}
    for path in _candidates(data_dir):
        if path.name == CHANGELOG and path.parent == data_dir:
            continue
        old = _read(path) or b""
        new = _replaced(old, path.name, matcher, pseudonym)
        if new is not None:
            found[path.relative_to(data_dir).as_posix()] = (old, new)
    return found


def _replaced(data: bytes, label: str, matcher: Matcher, pseudonym: str) -> bytes | None:
    try:
        decoded = decode(data, label)
    except DataError:
        return None  # not a text file this project wrote
    text, count = matcher.replace(decoded.text, pseudonym)
    if not count:
        return None
    body = text.encode("cp1252" if decoded.encoding == "cp1252" else "utf-8")
    return (b"\xef\xbb\xbf" + body) if decoded.encoding == "utf-8-sig" else body


def _rewrite_changelog(data_dir: Path, matcher: Matcher, pseudonym: str, hashes: dict[str, str]) -> None:
    """The change log with old hashes mapped to new ones and the names gone from its comments and
    editors. Called with the change log's lock held; written atomically."""
    path = data_dir / CHANGELOG
    if not path.is_file():
        return
    entries = read_changelog(data_dir)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(CHANGELOG_COLUMNS)
    for entry in entries:
        entry.sha256_before = hashes.get(entry.sha256_before, entry.sha256_before)
        entry.sha256_after = hashes.get(entry.sha256_after, entry.sha256_after)
        entry.comment = matcher.replace(entry.comment, pseudonym)[0]
        entry.editor = matcher.replace(entry.editor, pseudonym)[0]
        writer.writerow(entry.row())
    new = b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
    if new != _read(path):
        atomic_write(path, new)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
