"""The one way a file is written: a reader sees the old file or the new one, never half of one.

Data files, change-log backups, board packs and report files all go through :func:`atomic_write`:
the bytes go to a temporary file in the same folder (same file system; ``.<name>.<random>.tmp``,
which no reader mistakes for data), are flushed and fsynced, then put in place by ``os.replace``
(or, when an existing file must not be replaced, by ``os.link``, which fails if the name exists,
so two simultaneous saves cannot both win), and the folder is fsynced so the rename survives a
power cut.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

# Tests set this to stop or fail a write between writing the temporary file and putting it in place.
_before_replace: Callable[[Path, Path], None] | None = None


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` survive a power cut (POSIX; a no-op elsewhere)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def temp_name_pattern(path: Path) -> re.Pattern[str]:
    """The names :func:`atomic_write` gives its temporary files for ``path``."""
    return re.compile(re.escape(f".{path.name}.") + r".*\.tmp")


def atomic_write(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write ``data`` to ``path`` atomically; with ``replace=False`` raise ``FileExistsError``
    instead of overwriting. The file keeps the old file's permission bits (0644 for a new one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp_path = Path(temp)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_path, mode)
        if _before_replace is not None:
            _before_replace(temp_path, path)
        if replace:
            os.replace(temp_path, path)
        else:
            _link_new(temp_path, path)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _link_new(temp: Path, path: Path) -> None:
    """Put ``temp`` at ``path`` only if nothing is there: ``os.link`` refuses an existing name."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temp, path)
        return
    temp.unlink(missing_ok=True)


def remove_stale_temp_files(path: Path) -> None:
    """Temporary files of ``path`` left by a write that was killed; call only while holding its lock."""
    if not path.parent.is_dir():
        return
    pattern = temp_name_pattern(path)
    for leftover in path.parent.iterdir():
        if pattern.fullmatch(leftover.name):
            with contextlib.suppress(OSError):
                leftover.unlink()
