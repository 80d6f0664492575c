"""How a CSV file from Swedish Excel (or anything else) is decoded and split, before DuckDB reads it.

Staff save sheets as "CSV UTF-8" (UTF-8 with a BOM), "CSV (semikolonavgränsad)" (Windows-1252,
semicolons, decimal comma) or from other tools (UTF-8, commas). DuckDB reads UTF-8 but not
Windows-1252, so decoding happens here, once, with clear refusals for what is not a text table:
UTF-16 "Unicode text", binaries renamed ``.csv`` (images, zip/xlsx, PDF), empty files.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from kpi.model.problems import DataError, Problem

DELIMITERS = (";", ",", "\t")
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip or Excel .xlsx file"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls file"),
    (b"\x1f\x8b", "a gzip archive"),
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"


def decode(data: bytes, label: str) -> Decoded:
    """Turn a file's bytes into text, or raise :class:`DataError` saying why it is not a CSV table."""
    if not data:
        raise DataError([Problem(label, "empty_file")])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(data):
        raise DataError([Problem(label, "utf16")])
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise DataError([Problem(label, "binary_file", params={"kind": kind})])
    if b"\x00" in data[:65536]:
        raise DataError([Problem(label, "binary_file", params={"kind": "binary data"})])
    if data.startswith(codecs.BOM_UTF8):
        try:
            return Decoded(data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _undecodable(data, exc, label) from None
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _mixed(data)
    if mixed is not None:
        raise DataError([mixed_problem(label, *mixed)])
    try:
        return Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError as exc:
        raise _undecodable(data, exc, label) from None


# A UTF-8 encoded Swedish or Latin letter (Å Ä Ö å ä ö é ü …: C3 80–BF) or no-break space and
# symbols (C2 A0–BF). In a real Windows-1252 file these pairs read "Ã¥", "Ã¶", "Â " and do not
# occur in Swedish text; in a file that is not UTF-8 as a whole they mean two encodings were mixed
# (rows pasted from one program into a file saved by another).
_UTF8_PAIR = re.compile(rb"[\xc2\xc3][\x80-\xbf]")


def _mixed(data: bytes) -> tuple[int, int] | None:
    """For bytes that are not UTF-8 as a whole: (the first line written in UTF-8, the first line
    that is not) when both are there, else ``None``."""
    found = _UTF8_PAIR.search(data)
    if found is None:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[: found.start()].count(b"\n") + 1, data[: exc.start].count(b"\n") + 1
    return None


def mixed_problem(label: str, utf8_line: int, other_line: int) -> Problem:
    return Problem(label, "privacy.mixed_encoding", row=other_line, params={"utf8": utf8_line, "other": other_line})


class NotRegular(DataError):
    """A data file that is a FIFO, a device (a link to /dev/zero) or a folder: never read."""


def read_regular(path: Path, label: str, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Opened without blocking (a FIFO would wait for a writer forever) and checked on the opened
    descriptor (a symbolic link is followed, but what it leads to must be a regular file: a link to
    ``/dev/zero`` or a FIFO is refused). At most ``limit + 1`` bytes are read whatever ``stat``
    says, so a file that grows, or lies about its size, never fills memory: more than ``limit`` is
    a :class:`DataError` ``data_too_large``. A missing file raises ``FileNotFoundError``.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular([Problem(label, "privacy.not_regular_file")])
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(descriptor)
    if total > limit:
        mb = 1024 * 1024
        size = max(info.st_size, total)
        raise DataError([Problem(label, "data_too_large", params={"size": -(-size // mb), "limit": limit // mb})])
    return b"".join(chunks)


def _looks_utf16(data: bytes) -> bool:
    # UTF-16 without a BOM: every other byte of plain ASCII text is NUL.
    sample = data[:200]
    return len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0


def _undecodable(data: bytes, exc: UnicodeDecodeError, label: str) -> DataError:
    line = data[: exc.start].count(b"\n") + 1
    best = from_bytes(data[:65536]).best()
    guess = f"; it may be {best.encoding}" if best is not None and best.encoding not in {"utf_8", "cp1252"} else ""
    byte = f"0x{data[exc.start]:02X}"
    return DataError([Problem(label, "undecodable", row=line, params={"byte": byte, "line": line, "guess": guess})])


def first_line(text: str) -> str:
    """The header line, ended by LF, CRLF or a lone CR (old Mac line endings)."""
    ends = [index for index in (text.find("\n"), text.find("\r")) if index >= 0]
    return text[: min(ends)] if ends else text


def normalise_line_ends(text: str) -> str:
    """A file with only CR line endings (classic Mac, some exports) read as LF lines.

    Mixed files keep their CRs: Python's csv module then treats each lone CR as a line end too.
    """
    if "\r" in text and "\n" not in text:
        return text.replace("\r", "\n")
    return text


def detect_delimiter(text: str) -> str:
    """The separator is whichever of ``;`` ``,`` tab splits the header into most fields.

    Only the header is used: data rows in Swedish files contain decimal commas, so counting
    commas there would pick the wrong separator. Ties prefer ``;`` (Swedish Excel's choice).
    """
    header = first_line(text)
    counts = {delimiter: _count_outside_quotes(header, delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count
