"""How a CSV file from Swedish Excel (or anything else) is decoded and split, before DuckDB reads it.

Staff save sheets as "CSV UTF-8" (UTF-8 with a BOM), "CSV (semikolonavgränsad)" (Windows-1252,
semicolons, decimal comma) or from other tools (UTF-8, commas). DuckDB reads UTF-8 but not
Windows-1252, so decoding happens here, once, with clear refusals for what is not a text table:
UTF-16 "Unicode text", binaries renamed ``.csv`` (images, zip/xlsx, PDF), empty files.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

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
    try:
        return Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError as exc:
        raise _undecodable(data, exc, label) from None


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
