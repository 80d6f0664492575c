"""The one way anything writes a data file: checked, serialised, atomic, backed up, logged, undoable.

Every save, from the Data page, the quick-entry forms, the table editor or ``python -m kpi import``,
goes through :func:`save_table`:

1. the new content is validated again, as the loader will read it (errors refuse the save);
2. a lock (``data/.locks/<file>.lock``) serialises saves of one file across threads and processes;
3. under the lock, the current file's sha256 must equal the hash the preview was made from, or the
   save is refused ("someone else saved this file since you opened it; reload"): two people
   editing at once never overwrite each other silently;
4. the previous file is copied to ``data/.history/<file>/<time>-<sha>.csv``;
5. the new bytes go to a temporary file in the same folder (``.<name>.<random>.tmp``, which the
   loader never reads), are flushed and fsynced, then ``os.replace`` swaps them in and the folder
   is fsynced: a crash leaves either the old file or the new one, never half of one;
6. one line is appended to ``data/changelog.csv`` (time, editor, file, rows added/changed/removed,
   sha256 before and after, comment) with a single ``write`` on an ``O_APPEND`` descriptor under a
   lock of its own. The password is never part of it (:func:`kpi.write.auth.redact`).

:func:`undo_last` restores the file as it was before the most recent change not yet undone,
through the same steps, after checking that the file is still the one that change wrote. It does
not re-validate: it puts back exactly the bytes that were there before.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from kpi import clock
from kpi.model.problems import DataError, Problem, UsageError, errors
from kpi.model.targets import Config
from kpi.read.tables import connect
from kpi.text.cells import neutralise
from kpi.text.i18n import format_number, t
from kpi.write import auth
from kpi.write.atomic import atomic_write, fsync_dir, remove_stale_temp_files
from kpi.write.diff import diff
from kpi.write.files import DataFile, parse_data_file
from kpi.write.imports import Preview, sha256_hex, validate_bytes
from kpi.write.upload import TextTable

HISTORY_DIR = ".history"
LOCK_DIR = ".locks"
JOURNAL_DIR = ".journal"
# Tests set this to kill a save at one of its named steps ("journal", "history", "replace",
# "changelog", "done"): the crash test stops the process there and checks what recovery makes of it.
_crash_point: Callable[[str], None] | None = None
CHANGELOG = "changelog.csv"
CHANGELOG_COLUMNS = [
    "time",
    "editor",
    "file",
    "action",
    "added",
    "changed",
    "removed",
    "sha256_before",
    "sha256_after",
    "comment",
    "history",
    "id",
    "undoes",
]
LOCK_TIMEOUT = 30.0
# Retention of data/.history/ (docs/data-entry.md): every version of the last KEEP_DAYS days, and the
# last KEEP_VERSIONS versions of each file whatever their age, are kept by `kpi history prune`.
KEEP_DAYS, KEEP_VERSIONS = 90, 50
EDITOR_MAX, COMMENT_MAX = 60, 500

# --- locks ---------------------------------------------------------------------------------------


def file_lock(data_dir: Path, name: str) -> FileLock:
    folder = Path(data_dir) / LOCK_DIR
    if folder.is_symlink():
        raise SymlinkRefused(LOCK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(str(folder / (name.replace("/", "__") + ".lock")), timeout=LOCK_TIMEOUT)


# --- the change log -----------------------------------------------------------------------------


@dataclass
class LogEntry:
    """One line of ``data/changelog.csv``."""

    time: str
    editor: str
    file: str  # relative to the data folder, e.g. metrics/manual.csv
    action: str  # "save" or "undo"
    added: int
    changed: int
    removed: int
    sha256_before: str
    sha256_after: str
    comment: str
    history: str  # the copy of the previous file, relative to the data folder ("" if there was none)
    id: str
    undoes: str = ""

    @property
    def when(self) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(self.time)
        except ValueError:
            return None

    @property
    def shown_time(self) -> str:
        """``2026-11-23 10:15`` in the server's time zone, as a person reads it."""
        when = self.when
        return when.strftime("%Y-%m-%d %H:%M") if when else self.time

    def row(self) -> list[str]:

        values = [
            self.time,
            self.editor,
            self.file,
            self.action,
            str(self.added),
            str(self.changed),
            str(self.removed),
            self.sha256_before,
            self.sha256_after,
            self.comment,
            self.history,
            self.id,
            self.undoes,
        ]
        return [neutralise(value) for value in values]  # the log is opened in Excel too


def _now() -> dt.datetime:
    return clock.now()


def append_changelog(data_dir: Path, change: LogEntry, *, lock_held: bool = False) -> None:
    """Append one line with one ``write`` on an ``O_APPEND`` descriptor, under the log's lock.

    A line is never interleaved with another, and a line cut short by a crash is closed with a
    newline before the next one is written, so it spoils only itself. ``lock_held``: the caller
    already holds the log's lock for a longer run (``kpi member forget``); a second lock on the
    same file in one process would wait for itself.
    """
    path = Path(data_dir) / CHANGELOG
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    with contextlib.nullcontext() if lock_held else file_lock(data_dir, "changelog"):
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        prefix = b""
        if size == 0:
            prefix = b"\xef\xbb\xbf"
            writer.writerow(CHANGELOG_COLUMNS)
        else:
            with path.open("rb") as stream:
                stream.seek(size - 1)
                if stream.read(1) != b"\n":
                    prefix = b"\n"
        writer.writerow(change.row())
        payload = prefix + buffer.getvalue().encode("utf-8")
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(handle, payload)
            if written != len(payload):  # pragma: no cover - a full disk
                raise OSError("the change log could not be written completely")
            os.fsync(handle)
        finally:
            os.close(handle)
        if size == 0:
            fsync_dir(path.parent)


def read_changelog(data_dir: Path) -> list[LogEntry]:
    """Every change, oldest first; lines that cannot be read (cut by a crash) are skipped."""
    path = Path(data_dir) / CHANGELOG
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except FileNotFoundError:
        return []
    changes = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader, None)
    if header != CHANGELOG_COLUMNS:
        return []
    for record in reader:
        if len(record) != len(CHANGELOG_COLUMNS):
            continue
        values = dict(zip(CHANGELOG_COLUMNS, record))
        try:
            counts = {name: int(values[name]) for name in ("added", "changed", "removed")}
        except ValueError:
            continue
        changes.append(LogEntry(**{**values, **counts}))  # type: ignore[arg-type]  # columns checked above
    return changes


def file_history(data_dir: Path) -> dict[str, LogEntry]:
    """The last change of each file (``metrics/x.csv`` → change), for the overview and about pages."""
    return {change.file: change for change in read_changelog(data_dir)}


def changelog_frame(data_dir: Path, limit: int = 200) -> pd.DataFrame:
    """The newest changes first, as a table (the Historik tab)."""
    changes = read_changelog(data_dir)[::-1][:limit]
    columns = [
        "time",
        "editor",
        "file",
        "action",
        "added",
        "changed",
        "removed",
        "comment",
        "sha256_before",
        "sha256_after",
    ]
    return pd.DataFrame(
        [[change.shown_time if name == "time" else getattr(change, name) for name in columns] for change in changes],
        columns=columns,
    )


# --- saving -------------------------------------------------------------------------------------


@dataclass
class SaveResult:
    """What happened: saved or not, why not, and what changed."""

    saved: bool
    file: DataFile
    problems: list[Problem] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    removed: int = 0
    sha256_before: str | None = None
    sha256_after: str | None = None
    history: str | None = None
    change: LogEntry | None = None

    def summary(self, lang: str) -> str:
        if not self.saved:
            return t("store.not_saved", lang, file=self.file.relpath)
        key = "store.undone" if self.change and self.change.action == "undo" else "store.saved"
        return t(
            key,
            lang,
            file=self.file.relpath,
            added=format_number(self.added, lang),
            changed=format_number(self.changed, lang),
            removed=format_number(self.removed, lang),
        )


def clean_text(text: str | None, limit: int) -> str:
    """One line of printable text, at most ``limit`` characters, with the editor password removed."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())
    return auth.redact(text)[:limit]


def save_table(
    data_dir: Path,
    target: DataFile | str,
    new: bytes | TextTable,
    *,
    editor: str,
    comment: str = "",
    expected_sha256: str | None,
    config: Config,
    today: dt.date | None = None,
) -> SaveResult:
    """Save ``new`` as the whole content of ``target``; refuse if it has errors or the file moved on.

    ``expected_sha256`` is the hash of the file the person's preview was made from (``None``: the
    file did not exist). It is required, so no caller can skip the check by forgetting it.
    """
    data_dir = Path(data_dir)
    target = parse_data_file(target) if isinstance(target, str) else target
    editor = clean_text(editor, EDITOR_MAX)
    if not editor:
        raise ValueError("a save needs the editor's name for the change log")
    comment = clean_text(comment, COMMENT_MAX)
    data = new.to_bytes() if isinstance(new, TextTable) else bytes(new)
    today = today or clock.today()
    label = target.label(data_dir)

    problems: list[Problem] = []
    new_rows = validate_bytes(connect(), target, data, label, config, today, problems)
    if new_rows is None or errors(problems):
        return SaveResult(False, target, problems)
    path = target.path(data_dir)
    try:
        recover(data_dir)
        with file_lock(data_dir, target.relpath):
            before = _read_or_none(path)
            if sha256_hex(before) != expected_sha256:
                return SaveResult(False, target, [Problem(label, "store_stale")])
            current_rows = None
            if before is not None:
                current_rows = validate_bytes(connect(), target, before, label, config, today, [])
            added, changed, removed = diff(current_rows, new_rows, target.key).counts
            return _commit(
                data_dir,
                target,
                before,
                data,
                editor=editor,
                comment=comment,
                action="save",
                counts=(added, changed, removed),
                problems=problems,
            )
    except Timeout:
        return SaveResult(False, target, [Problem(label, "store_busy")])
    except SymlinkRefused as exc:
        return SaveResult(False, target, [_symlink_problem(data_dir, exc)])
    except OSError as exc:  # a full disk, a read-only volume: the old file is still there
        return SaveResult(
            False, target, [Problem(label, "store_write_failed", params={"detail": exc.strerror or str(exc)})]
        )


def save_preview(
    data_dir: Path,
    preview: Preview,
    *,
    editor: str,
    comment: str = "",
    config: Config,
    today: dt.date | None = None,
    allow_removals: bool = False,
) -> SaveResult:
    """Save what a clean preview showed, against the file it was made from.

    A preview that removes rows is saved only with ``allow_removals=True`` (the person said so a
    second time), so no caller removes history by forgetting a flag.
    """
    if not preview.clean or preview.data is None:
        problems = preview.errors or [Problem(preview.label, "store_nothing_to_save")]
        return SaveResult(False, preview.file, problems)
    if preview.removals and not allow_removals:
        return SaveResult(
            False,
            preview.file,
            [Problem(preview.label, "store_removals_unconfirmed", params={"count": preview.removals})],
        )
    return save_table(
        data_dir,
        preview.file,
        preview.data,
        editor=editor,
        comment=comment,
        expected_sha256=preview.expected_sha256,
        config=config,
        today=today,
    )


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _step(name: str) -> None:
    if _crash_point is not None:
        _crash_point(name)


def _commit(
    data_dir: Path,
    target: DataFile,
    before: bytes | None,
    after: bytes | None,
    *,
    editor: str,
    comment: str,
    action: str,
    counts: tuple[int, int, int],
    problems: list[Problem],
    undoes: str = "",
) -> SaveResult:
    """Back up, replace (or remove), log: one transaction. The caller holds the file's lock.

    The change-log line is decided first and written to ``data/.journal/<id>.json`` before
    anything else; the journal entry is removed last. A save killed at any step leaves that entry,
    and :func:`recover` (run before every save and undo) completes it (the new file is in place:
    the log line is written) or rolls it back (the old file is still there: its backup goes), so
    the data file, the change log, the history and undo always agree.
    """
    path = target.path(data_dir)
    remove_stale_temp_files(path)
    now = _now()
    sha_before, sha_after = sha256_hex(before), sha256_hex(after)
    history = ""
    copy: Path | None = None
    if before is not None and sha_before is not None:
        stem = target.relpath.removesuffix(".csv")
        copy = data_dir / HISTORY_DIR / stem / f"{now.strftime('%Y%m%dT%H%M%S%f')}-{sha_before[:12]}.csv"
        history = copy.relative_to(data_dir).as_posix()
    change = LogEntry(
        now.isoformat(timespec="seconds"),
        editor,
        target.relpath,
        action,
        *counts,
        sha_before or "",
        sha_after or "",
        comment,
        history,
        uuid.uuid4().hex[:16],
        undoes,
    )
    journal = _journal_path(data_dir, change)
    _refuse_symlinks(data_dir, [journal, path] + ([copy] if copy else []) + [data_dir / CHANGELOG])
    if copy is not None:
        _remove_orphan_temps(copy.parent)
    _remove_journal_temps(data_dir, target.relpath)
    _step("journal")
    atomic_write(journal, json.dumps(dataclasses.asdict(change)).encode("utf-8"))
    try:
        _step("history")
        if copy is not None and before is not None:
            atomic_write(copy, before)
        _step("replace")
        if after is None:
            path.unlink()
            fsync_dir(path.parent)
        else:
            atomic_write(path, after)
    except BaseException:
        # Nothing of the new file is in place: undo the backup and the journal entry now (a kill
        # here instead leaves them for recover(), which does the same).
        _roll_back(data_dir, change)
        raise
    problems = list(problems)
    _step("changelog")
    try:
        append_changelog(data_dir, change)
    except (OSError, Timeout) as exc:  # the file is saved; recover() writes its line on the next save
        problems.append(
            Problem(
                CHANGELOG,
                "store_changelog_failed",
                severity="warning",
                params={"detail": getattr(exc, "strerror", None) or str(exc)},
            )
        )
    else:
        _step("done")
        _finish(journal)
    added, changed, removed = counts
    return SaveResult(True, target, problems, added, changed, removed, sha_before, sha_after, history or None, change)


# --- the journal: one recoverable transaction per save --------------------------------------------


def _journal_path(data_dir: Path, change: LogEntry) -> Path:
    """``data/.journal/<file>--<id>.json``: the file's name is in it, so that its temporary files
    can be cleaned under that file's lock, never under a save in progress of another file."""
    return Path(data_dir) / JOURNAL_DIR / f"{_journal_prefix(change.file)}{change.id}.json"


def _journal_prefix(relpath: str) -> str:
    return relpath.replace("/", "__") + "--"


def _remove_journal_temps(data_dir: Path, relpath: str) -> None:
    """Journal entries of ``relpath`` killed before their rename; the caller holds its lock."""
    folder = Path(data_dir) / JOURNAL_DIR
    if folder.is_dir():
        start = "." + _journal_prefix(relpath)
        for leftover in folder.iterdir():
            if leftover.name.startswith(start) and leftover.name.endswith(".tmp"):
                leftover.unlink(missing_ok=True)


def _remove_orphan_temps(folder: Path) -> None:
    """Temporary files of backups killed before their rename (``.history/<file>/.*.tmp``).

    Only saves of one file write in its history folder, and the caller holds that file's lock.
    """
    if folder.is_dir():
        for leftover in folder.iterdir():
            if leftover.name.startswith(".") and leftover.name.endswith(".tmp"):
                leftover.unlink(missing_ok=True)


def _finish(journal: Path) -> None:
    journal.unlink(missing_ok=True)
    fsync_dir(journal.parent)


def _refuse_symlinks(data_dir: Path, paths: list[Path]) -> None:
    """Never write through a symbolic link planted in the data folder (``.history``, ``.locks``,
    ``changelog.csv``, ``snapshots``, a data file): the write would land outside the folder."""
    root = Path(data_dir)
    for path in paths:
        current = Path(path)
        while current != root and root in current.parents:
            if current.is_symlink():
                raise SymlinkRefused(current.relative_to(root).as_posix())
            current = current.parent
    if root.is_symlink() and not root.resolve().is_dir():  # pragma: no cover - a dangling data folder
        raise SymlinkRefused(root.name)


class SymlinkRefused(OSError):
    """A path the save would write is a symbolic link."""

    def __init__(self, relpath: str) -> None:
        super().__init__(f"{relpath} is a symbolic link")
        self.relpath = relpath


def _roll_back(data_dir: Path, change: LogEntry) -> None:
    """The save did not put its file in place: remove its backup copy (if no log line uses it),
    its temporary files and its journal entry."""
    if change.history:
        copy = Path(data_dir) / change.history
        used = any(entry.history == change.history for entry in read_changelog(data_dir))
        if not used:
            copy.unlink(missing_ok=True)
        remove_stale_temp_files(copy)
    _finish(_journal_path(data_dir, change))


def recover(data_dir: Path) -> list[str]:
    """Complete or roll back every save that was killed midway; returns the change ids handled.

    Called before every save and undo (and by ``kpi history prune``). For each journal entry,
    under that file's lock: a change-log line with its id means it finished; otherwise, if the
    data file now has the new content, the line is written (roll forward); if not, the backup it
    made is removed (roll back). Orphan temporary files next to the file and its backups go too.
    """
    data_dir = Path(data_dir)
    folder = data_dir / JOURNAL_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    handled = []
    for entry_path in sorted(folder.glob("*.json")):
        try:
            values = json.loads(entry_path.read_text(encoding="utf-8"))
            change = LogEntry(**values)
            target = parse_data_file(change.file)
        except (OSError, ValueError, TypeError, DataError):
            entry_path.unlink(missing_ok=True)  # a journal entry cut short: its save never began
            continue
        with file_lock(data_dir, target.relpath):
            path = target.path(data_dir)
            remove_stale_temp_files(path)
            _remove_journal_temps(data_dir, target.relpath)
            if change.history:
                _remove_orphan_temps((data_dir / change.history).parent)
            if not entry_path.exists():
                continue  # another process recovered it meanwhile
            if any(logged.id == change.id for logged in read_changelog(data_dir)):
                _finish(entry_path)
            elif (sha256_hex(_read_or_none(path)) or "") == change.sha256_after:
                append_changelog(data_dir, change)
                _finish(entry_path)
            else:
                _roll_back(data_dir, change)
        handled.append(change.id)
    # Journal entries killed before their rename: cleaned under their own file's lock, so a save
    # of that file in progress (writing its entry right now) is never disturbed.
    for leftover in sorted(folder.glob(".*--*.json.*.tmp")):
        relpath = leftover.name[1:].split("--", 1)[0].replace("__", "/")
        try:
            parse_data_file(relpath)
        except (UsageError, DataError):
            continue
        with file_lock(data_dir, relpath):
            _remove_journal_temps(data_dir, relpath)
    return handled


def _symlink_problem(data_dir: Path, exc: SymlinkRefused) -> Problem:
    return Problem(f"{Path(data_dir).name}/{exc.relpath}", "store_symlink")


# --- undo ---------------------------------------------------------------------------------------


def undoable(data_dir: Path) -> LogEntry | None:
    """The most recent save that has not been undone (what "undo last change" would revert)."""
    changes = read_changelog(data_dir)
    undone = {change.undoes for change in changes if change.action == "undo"}
    for change in reversed(changes):
        if change.action == "save" and change.id not in undone:
            return change
    return None


def undo_last(data_dir: Path, editor: str, *, comment: str = "", config: Config | None = None) -> SaveResult:
    """Put back the file as it was before the last change, if nobody changed it since.

    Repeating it walks further back. ``config`` is accepted for symmetry with saving; the
    restored bytes are exactly the old file's, so they are not validated again.
    """
    data_dir = Path(data_dir)
    editor = clean_text(editor, EDITOR_MAX)
    if not editor:
        raise ValueError("an undo needs the editor's name for the change log")
    comment = clean_text(comment, COMMENT_MAX)
    try:
        recover(data_dir)  # a save killed midway is completed or rolled back before choosing what to undo
    except SymlinkRefused as exc:
        return SaveResult(False, DataFile("metrics", "-"), [_symlink_problem(data_dir, exc)])
    except (OSError, Timeout) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        return SaveResult(
            False, DataFile("metrics", "-"), [Problem(CHANGELOG, "store_write_failed", params={"detail": detail})]
        )
    last = undoable(data_dir)
    if last is None:
        return SaveResult(False, DataFile("metrics", "-"), [Problem(CHANGELOG, "store_nothing_to_undo")])
    target = parse_data_file(last.file)
    label = target.label(data_dir)
    path = target.path(data_dir)
    try:
        with file_lock(data_dir, target.relpath):
            current = _read_or_none(path)
            if (sha256_hex(current) or "") != last.sha256_after:
                return SaveResult(
                    False, target, [Problem(label, "store_undo_changed", params={"time": last.shown_time})]
                )
            previous = None
            if last.sha256_before:
                previous = _read_or_none(data_dir / last.history) if last.history else None
                if previous is None or sha256_hex(previous) != last.sha256_before:
                    return SaveResult(
                        False,
                        target,
                        [Problem(label, "store_history_missing", params={"history": last.history or "-"})],
                    )
            counts = (last.removed, last.changed, last.added)
            return _commit(
                data_dir,
                target,
                current,
                previous,
                editor=editor,
                comment=comment,
                action="undo",
                counts=counts,
                problems=[],
                undoes=last.id,
            )
    except Timeout:
        return SaveResult(False, target, [Problem(label, "store_busy")])
    except SymlinkRefused as exc:
        return SaveResult(False, target, [_symlink_problem(data_dir, exc)])
    except OSError as exc:
        return SaveResult(
            False, target, [Problem(label, "store_write_failed", params={"detail": exc.strerror or str(exc)})]
        )


# --- retention of data/.history/ ------------------------------------------------------------------


@dataclass
class Pruned:
    """What ``kpi history prune`` removed (or would remove) and kept."""

    removed: list[str]
    kept: int
    freed: int  # bytes


def prune_history(data_dir: Path, *, days: int = KEEP_DAYS, keep: int = KEEP_VERSIONS, dry_run: bool = False) -> Pruned:
    """Remove old copies from ``data/.history/``: never one of the last ``days`` days, never one of
    the last ``keep`` of its file, never the copy the next undo needs.

    Each copy's time is in its name (``<YYYYmmddTHHMMSSffffff>-<sha>.csv``). Undo walks back at
    most to the oldest copy kept: a change whose copy was pruned is refused with its message.
    """
    if days < 0 or keep < 1:
        raise ValueError("days must be >= 0 and keep >= 1")
    data_dir = Path(data_dir)
    recover(data_dir)
    root = data_dir / HISTORY_DIR
    if root.is_symlink():
        raise SymlinkRefused(HISTORY_DIR)
    if not root.is_dir():
        return Pruned([], 0, 0)
    cutoff = (_now() - dt.timedelta(days=days)).replace(tzinfo=None)  # copy names hold local time
    next_undo = undoable(data_dir)
    protected = {next_undo.history} if next_undo is not None and next_undo.history else set()
    removed: list[str] = []
    kept = freed = 0
    folders = sorted({copy.parent for copy in root.rglob("*.csv")})
    for folder in folders:
        relfile = folder.relative_to(root).as_posix() + ".csv"
        with file_lock(data_dir, relfile):
            copies = sorted(p for p in folder.iterdir() if p.suffix == ".csv" and not p.name.startswith("."))
            for position, copy in enumerate(copies):
                relpath = copy.relative_to(data_dir).as_posix()
                when = _copy_time(copy.name)
                recent = when is None or when >= cutoff
                if recent or position >= len(copies) - keep or relpath in protected:
                    kept += 1
                    continue
                freed += copy.stat().st_size
                removed.append(relpath)
                if not dry_run:
                    copy.unlink()
            if not dry_run and removed:
                fsync_dir(folder)
    return Pruned(removed, kept, freed)


def _copy_time(name: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(name.split("-", 1)[0], "%Y%m%dT%H%M%S%f")
    except ValueError:
        return None  # not named by a save: never removed
