"""The files other tools export, recognised by their content and read into rows of our own files.

One registry, :data:`FORMATS`, used by ``kpi import`` and the Data page alike. Each format is an
object that knows its name, how it recognises a file (by its bytes, never its name), what it reads
and which rows it writes; what it recognised is said in the person's language ("Meta Business
Suite: nya följare på Facebook, 1–30 nov. 2026, 23 dagar") before a preview of those rows.

* **Meta Business Suite, followers**: UTF-16 LE with a BOM, a ``sep=,`` line, a title
  (``Facebook follows`` / ``Instagram follows``), the header ``"Date","Primary"`` and one row per
  day with new follows (days with none are missing). The same file re-saved by Excel (UTF-8,
  semicolons, no ``sep=`` line) is still recognised by its title and header.
* **LinkedIn followers**: an old binary ``.xls``; the sheet "New followers" (found by its
  columns, whatever its name) with ``Date`` (MM/DD/YYYY, as LinkedIn writes it) and
  ``Total followers`` new that day.
* **Mailchimp audience**: a ZIP of subscribed/unsubscribed/cleaned CSVs. Only the number of
  subscribed people is kept; the file is read in memory and no address or name is ever written.

Daily-new exports add to a running total: the value on each day is the goal's last known total
before the file's first day (or ``start``, the total on the day before it) plus the new follows
since; one value is written per month the file covers, at the month's end (or the file's last day
when the month has not ended). Months before the file are never rewritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_interval

from kpi.model.problems import Problem
from kpi.model.targets import Config
from kpi.read.load import read_metrics_file
from kpi.read.tables import connect, parse_file_date
from kpi.text.i18n import format_date, format_number, normalise_language, plural, t
from kpi.write.files import DataFile, metrics_data_files
from kpi.write.imports import Preview, build_preview
from kpi.write.upload import XLSX_MAX_MEMBERS, XLSX_MAX_UNCOMPRESSED, TextTable, display_name, number_text

METRICS_COLUMNS = ["metric", "date", "value", "note", "source"]
DEFAULT_FILE = DataFile("metrics", "communication")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


@dataclass
class Options:
    """What the person adds to a file: the total before it (``--start``) and the export's date."""

    start: float | None = None
    date: dt.date | None = None


@dataclass
class Recognised:
    """A file read by one format: what it is, the rows it would write and where."""

    format: ImportFormat
    label: str
    target: DataFile | None = None
    table: TextTable | None = None
    params: dict[str, str | Callable[[str], str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def needs_start(self) -> bool:
        """A daily-new export with no earlier total to add to: the person gives one."""
        return any(problem.code == "source_needs_start" for problem in self.problems)

    def describe(self, lang: str) -> str:
        """``Meta Business Suite: nya följare på Facebook, 1–30 nov. 2026, 23 dagar``."""
        lang = normalise_language(lang)
        params = {key: (value(lang) if callable(value) else value) for key, value in self.params.items()}
        return t(f"sources.{self.format.name}.recognised", lang, **params)


@dataclass(frozen=True)
class ImportFormat:
    """One tool's export: its name (a key of its words), how it is recognised and how it is read."""

    name: str
    recognises: Callable[[bytes], bool]
    read: Callable[[ImportFormat, bytes, str, Config, Path, dt.date, Options], Recognised]
    metrics: tuple[str, ...] = ()  # the goals its rows give values for

    def title(self, lang: str) -> str:
        return t(f"sources.{self.name}.title", lang)

    def fetch(self, lang: str) -> str:
        """Where in the tool the export is made ("Meta Business Suite → Insikter → …")."""
        return t(f"sources.{self.name}.fetch", lang)


# --- running totals -----------------------------------------------------------------------------


def last_total(data_dir: Path, config: Config, metric_id: str, before: dt.date, today: dt.date) -> tuple:
    """``(value, date, file)`` of the metric's latest value before ``before`` in any metrics file."""
    best: tuple = (None, None, None)
    for target in metrics_data_files(data_dir):
        rows = read_metrics_file(connect(), target.path(data_dir), target.relpath, config, today, [])
        if rows is None:
            continue
        for record in rows.to_dict("records"):
            if str(record["metric"]) != metric_id:
                continue
            day = record["date"]
            day = day.date() if isinstance(day, dt.datetime) else day
            if isinstance(day, dt.date) and day < before and (best[1] is None or day >= best[1]):
                best = (float(record["value"]), day, target)
    return best


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def month_end_totals(daily: list[tuple[dt.date, float]], start: float, today: dt.date) -> list[tuple[dt.date, float]]:
    """The running total at the end of each month the days cover (the last day when not ended)."""
    if not daily:
        return []
    daily = sorted(daily)
    first, last = daily[0][0], daily[-1][0]
    out: list[tuple[dt.date, float]] = []
    month = first.replace(day=1)
    while month <= last:
        end = month_end(month)
        day = end if end <= today else min(end, last)
        total = start + sum(value for when, value in daily if when <= day)
        out.append((day, total))
        month = end + dt.timedelta(days=1)
    return out


def daily_rows(
    fmt: ImportFormat,
    label: str,
    metric_id: str,
    daily: list[tuple[dt.date, float]],
    config: Config,
    data_dir: Path,
    today: dt.date,
    options: Options,
    source: str,
) -> Recognised:
    """Rows of month-end totals for a daily-new export (and the words that say what it held)."""
    first, last = min(day for day, _ in daily), max(day for day, _ in daily)
    found = Recognised(fmt, label)
    found.params = {
        "period": lambda lang: format_interval(first, last, skeleton="yMMMd", locale=_locale(lang)),
        "days": lambda lang: plural("sources.days", lang, len(daily)),
        "metric": metric_id,
    }
    if metric_id not in {metric.id for metric in config.metrics}:
        found.problems.append(Problem(label, "source_no_metric", params={"metric": metric_id}))
        return found
    start, since, held = last_total(data_dir, config, metric_id, first, today)
    if options.start is not None:
        start, since = options.start, first - dt.timedelta(days=1)
    if start is None:
        found.problems.append(
            Problem(
                label,
                "source_needs_start",
                params={"metric": metric_id, "day": (first - dt.timedelta(days=1)).isoformat()},
            )
        )
        return found
    found.params["start"] = lambda lang: format_number(start, lang)
    found.params["since"] = lambda lang: format_date(since, lang)
    rows: list[list[str | None]] = [
        [metric_id, day.isoformat(), number_text(total), None, source]
        for day, total in month_end_totals(daily, start, today)
    ]
    found.target = held or _default_file(data_dir)
    found.table = TextTable(list(METRICS_COLUMNS), rows, [index + 2 for index in range(len(rows))])
    return found


def _default_file(data_dir: Path) -> DataFile:
    return DEFAULT_FILE


def _locale(lang: str) -> str:
    return "sv_SE" if normalise_language(lang) == "sv" else "en_GB"


# --- Meta Business Suite ------------------------------------------------------------------------

META_TITLES = {"facebook follows": "followers_facebook", "instagram follows": "followers_instagram"}


def _text(data: bytes) -> str | None:
    """The file as text: UTF-16 (Meta's own) when it has the BOM, else UTF-8 (with or without BOM)."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data[:5_000_000].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _meta_lines(data: bytes) -> tuple[list[list[str]], int] | None:
    """The file's rows from its title on, and the line number of the title (2 after ``sep=,``)."""
    text = _text(data[:4096] if not data.startswith((b"\xff\xfe", b"\xfe\xff")) else data)
    if text is None:
        return None
    lines = text.splitlines()
    first = 1
    if lines and lines[0].strip().lower().startswith("sep="):
        lines, first = lines[1:], 2
    if not lines:
        return None
    header = lines[1] if len(lines) > 1 else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return [row if row else [""] for row in csv.reader(lines, delimiter=delimiter)], first


def _meta_recognises(data: bytes) -> bool:
    found = _meta_lines(data)
    return bool(found and found[0] and found[0][0][0].strip().lower() in META_TITLES)


def _meta_read(
    fmt: ImportFormat, data: bytes, label: str, config: Config, data_dir: Path, today: dt.date, options: Options
) -> Recognised:
    rows, first = _meta_lines(data) or ([[""]], 1)
    title = rows[0][0].strip()
    metric_id = META_TITLES[title.lower()]
    found = Recognised(fmt, label)
    header = [cell.strip() for cell in rows[1]] if len(rows) > 1 else []
    if [name.lower() for name in header[:2]] != ["date", "primary"]:
        found.problems.append(
            Problem(label, "source_meta_header", row=first + 1, params={"found": ", ".join(f"”{h}”" for h in header)})
        )
        return found
    daily: list[tuple[dt.date, float]] = []
    for number, row in enumerate(rows[2:], start=first + 2):
        if not row or not any(cell.strip() for cell in row):
            continue
        day = _meta_date(row[0])
        if day is None:
            found.problems.append(
                Problem(label, "source_bad_date", row=number, column=header[0], params={"value": row[0][:40]})
            )
            continue
        cell = row[1].strip() if len(row) > 1 else ""
        if not re.fullmatch(r"\d+", cell):
            found.problems.append(
                Problem(label, "source_bad_count", row=number, column=header[1], params={"value": cell[:40]})
            )
            continue
        daily.append((day, float(cell)))
    if found.problems:
        return found
    if not daily:
        found.problems.append(Problem(label, "header_only", row=first + 1))
        return found
    result = daily_rows(fmt, label, metric_id, daily, config, data_dir, today, options, "Meta Business Suite, export")
    result.params["platform"] = "Facebook" if metric_id.endswith("facebook") else "Instagram"
    return result


def _meta_date(text: str) -> dt.date | None:
    """``2026-11-03T00:00:00`` (as Meta writes it), or the date part of what Excel made of it."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?", text.strip())
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


# --- LinkedIn -----------------------------------------------------------------------------------

LINKEDIN_COLUMNS = ("date", "total followers")


def _xls_sheets(data: bytes) -> list[tuple[str, list[list[object]]]] | None:
    import xlrd  # only LinkedIn exports need it

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception:  # noqa: BLE001 - xlrd raises many kinds on a damaged file; all mean the same
        return None
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = [sheet.row_values(row) for row in range(min(sheet.nrows, 5000))]
            sheets.append((sheet.name, rows))
        return sheets
    finally:
        book.release_resources()


def _linkedin_recognises(data: bytes) -> bool:
    if not data.startswith(_OLE):
        return False
    sheets = _xls_sheets(data)
    return bool(sheets) and any(
        name.strip().lower() == "new followers" or _linkedin_header(rows) is not None for name, rows in sheets or []
    )


def _linkedin_header(rows: list[list[object]]) -> list[str] | None:
    if not rows:
        return None
    header = [str(cell).strip() for cell in rows[0]]
    lowered = [name.lower() for name in header]
    return header if all(name in lowered for name in LINKEDIN_COLUMNS) else None


def _linkedin_read(
    fmt: ImportFormat, data: bytes, label: str, config: Config, data_dir: Path, today: dt.date, options: Options
) -> Recognised:
    found = Recognised(fmt, label)
    sheets = _xls_sheets(data) or []
    chosen = next(((name, rows) for name, rows in sheets if _linkedin_header(rows) is not None), None)
    if chosen is None:
        names = ", ".join(f"”{name}”" for name, _ in sheets)
        found.problems.append(Problem(label, "source_linkedin_sheet", params={"sheets": names}))
        return found
    sheet, rows = chosen
    header = _linkedin_header(rows) or []
    lowered = [name.lower() for name in header]
    at_date, at_total = lowered.index("date"), lowered.index("total followers")
    daily: list[tuple[dt.date, float]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(cell).strip() for cell in row):
            continue
        day = _month_first(row[at_date])
        if day is None:
            found.problems.append(
                Problem(
                    label,
                    "source_bad_date_us",
                    row=number,
                    column=header[at_date],
                    params={"value": str(row[at_date])[:40], "sheet": sheet},
                )
            )
            continue
        value = row[at_total]
        if isinstance(value, str):
            value = value.strip()
            value = float(value) if re.fullmatch(r"\d+", value) else None
        if not isinstance(value, (int, float)) or value < 0 or value != int(value):
            found.problems.append(
                Problem(
                    label,
                    "source_bad_count",
                    row=number,
                    column=header[at_total],
                    params={"value": str(row[at_total])[:40]},
                )
            )
            continue
        daily.append((day, float(value)))
    if found.problems:
        return found
    if not daily:
        found.problems.append(Problem(label, "header_only", row=1))
        return found
    result = daily_rows(fmt, label, "followers_linkedin", daily, config, data_dir, today, options, "LinkedIn, export")
    result.params["sheet"] = sheet
    return result


def _month_first(value: object) -> dt.date | None:
    """LinkedIn's ``MM/DD/YYYY`` (its export's stated form; never guessed elsewhere)."""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", str(value).strip())
    if not match:
        return None
    month, day, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# --- Mailchimp ----------------------------------------------------------------------------------

_MAILCHIMP_MEMBER = re.compile(r"(?:.*/)?(subscribed|unsubscribed|cleaned)_[^/]*\.csv", re.IGNORECASE)


def _first_member_name(data: bytes) -> str:
    """The name in the ZIP's first local header (readable even when the archive is cut short)."""
    if len(data) < 30 or not data.startswith(_ZIP):
        return ""
    (length,) = struct.unpack("<H", data[26:28])
    return data[30 : 30 + length].decode("utf-8", "replace")


def _mailchimp_recognises(data: bytes) -> bool:
    return data.startswith(_ZIP) and bool(_MAILCHIMP_MEMBER.fullmatch(_first_member_name(data)))


def _mailchimp_read(
    fmt: ImportFormat, data: bytes, label: str, config: Config, data_dir: Path, today: dt.date, options: Options
) -> Recognised:
    """Count the subscribed people in memory; nothing of a person leaves this function."""
    found = Recognised(fmt, label)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        if len(members) > XLSX_MAX_MEMBERS or sum(m.file_size for m in members) > XLSX_MAX_UNCOMPRESSED:
            raise zipfile.BadZipFile("too large")
        subscribed = [
            m for m in members if (_MAILCHIMP_MEMBER.fullmatch(m.filename) or _NONE).group(1).lower() == "subscribed"
        ]
        if len(subscribed) != 1:
            raise zipfile.BadZipFile("no subscribed file")
        text = archive.read(subscribed[0]).decode("utf-8-sig")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, UnicodeDecodeError):
        found.problems.append(Problem(label, "source_mailchimp_damaged"))
        return found
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    if not header or header[0].strip().lower() != "email address":
        found.problems.append(Problem(label, "source_mailchimp_damaged"))
        return found
    count = sum(1 for row in rows if any(cell.strip() for cell in row))
    del text  # the people are not kept a moment longer than the count needs
    metric_id = "newsletter_subscribers"
    day = options.date or today
    found.params = {"count": lambda lang: format_number(count, lang), "date": lambda lang: format_date(day, lang)}
    if metric_id not in {metric.id for metric in config.metrics}:
        found.problems.append(Problem(label, "source_no_metric", params={"metric": metric_id}))
        return found
    _value, _since, held = last_total(data_dir, config, metric_id, day + dt.timedelta(days=1), today)
    found.target = held or _default_file(data_dir)
    row: list[str | None] = [metric_id, day.isoformat(), str(count), None, "Mailchimp, export"]
    found.table = TextTable(list(METRICS_COLUMNS), [row], [2])
    return found


class _NoMatch:
    def group(self, _index: int) -> str:
        return ""


_NONE = _NoMatch()


# --- member lists -------------------------------------------------------------------------------

MEMBERS = DataFile("members", "members")
# A member list's own headers (normalised) and the members.csv column each one fills.
MEMBER_LIST_COLUMNS = {
    "medlemsnummer": "member_id",
    "företagsnamn": "name",
    "kommun": "kommun",
    "kommunkod": "kommun",
    "giltig från": "joined",
    "giltig till": "left",
}


def _member_list_table(data: bytes) -> TextTable | None:
    from kpi.write.upload import read_upload

    upload = read_upload(data, "members", [])
    table = upload.table
    if table is None or not {"medlemsnummer", "företagsnamn"} <= set(table.columns):
        return None
    return table


def _member_list_recognises(data: bytes) -> bool:
    head = data[:4096]
    words = head.decode("utf-8", "ignore").lower() + head.decode("cp1252", "ignore").lower()
    if not data.startswith(_ZIP) and "medlemsnummer" not in words:
        return False
    return _member_list_table(data) is not None


def _member_list_read(
    fmt: ImportFormat, data: bytes, label: str, config: Config, data_dir: Path, today: dt.date, options: Options
) -> Recognised:
    """Rows of members.csv from a member list: matched by member number; a member already in the
    register keeps its category and leave reason; a validity end before today is the day they left."""
    from kpi.write.imports import read_current

    found = Recognised(fmt, label, MEMBERS)
    table = _member_list_table(data)
    if table is None:  # recognised a moment ago; only a file changed in between gets here
        found.problems.append(Problem(label, "import_bad_xlsx"))
        return found
    current = read_current(Path(data_dir), MEMBERS, config, today)
    existing: dict[str, dict[str, str]] = {}
    if current.table is not None:
        for row in current.table.rows:
            record = {name: (cell or "") for name, cell in zip(current.table.columns, row)}
            existing[record.get("member_id", "").strip().casefold()] = record
    columns = (
        list(current.table.columns)
        if current.table is not None
        else ["member_id", "name", "category", "kommun", "joined", "left", "leave_reason"]
    )
    rows: list[list[str | None]] = []
    added = left = renamed = 0
    for row in table.rows:
        given = {
            MEMBER_LIST_COLUMNS[name]: (cell or "").strip()
            for name, cell in zip(table.columns, row)
            if name in MEMBER_LIST_COLUMNS
        }
        before = existing.get(given.get("member_id", "").casefold(), {})
        until = parse_file_date(given.get("left", ""))
        given["left"] = until.isoformat() if until is not None and until < today else before.get("left", "")
        added += not before
        left += bool(given["left"]) and not before.get("left")
        renamed += bool(before) and before.get("name", "") != given.get("name", "")
        merged = {**before, **{key: value for key, value in given.items() if value or key == "left"}}
        rows.append([merged.get(name) or None for name in columns])
    found.table = TextTable(columns, rows, [index + 2 for index in range(len(rows))])
    found.params = {
        "count": lambda lang: plural("sources.members", lang, len(rows)),
        "added": str(added),
        "left": str(left),
        "renamed": str(renamed),
    }
    return found


# --- the registry -------------------------------------------------------------------------------

FORMATS: dict[str, ImportFormat] = {
    fmt.name: fmt
    for fmt in (
        ImportFormat("meta_followers", _meta_recognises, _meta_read, tuple(META_TITLES.values())),
        ImportFormat("linkedin_followers", _linkedin_recognises, _linkedin_read, ("followers_linkedin",)),
        ImportFormat("mailchimp_audience", _mailchimp_recognises, _mailchimp_read, ("newsletter_subscribers",)),
        ImportFormat("member_list", _member_list_recognises, _member_list_read),
    )
}


def recognise(data: bytes) -> ImportFormat | None:
    """The format whose content this file has, or ``None`` for a plain table (our own CSV/XLSX)."""
    for fmt in FORMATS.values():
        try:
            if fmt.recognises(data):
                return fmt
        except Exception:  # noqa: BLE001 - a file that trips a recogniser is simply not that format
            continue
    return None


def read_export(
    data: bytes,
    filename: str,
    config: Config,
    data_dir: Path,
    today: dt.date,
    options: Options | None = None,
) -> Recognised | None:
    """Read a recognised export into rows of our files, or ``None`` when no format knows it."""
    fmt = recognise(data)
    if fmt is None:
        return None
    return fmt.read(fmt, data, display_name(filename), config, Path(data_dir), today, options or Options())


def preview_export(
    data_dir: Path,
    config: Config,
    data: bytes,
    filename: str,
    today: dt.date,
    options: Options | None = None,
    target: DataFile | None = None,
) -> tuple[Recognised, Preview | None] | None:
    """What a recognised export holds and the preview of saving its rows (``None``: not an export).

    The preview is ``None`` while the file has problems of its own (or needs a start total); the
    rows are merged into their file by metric and date, as an upload of our own rows would be.
    """
    found = read_export(data, filename, config, data_dir, today, options)
    if found is None:
        return None
    if found.problems or found.table is None:
        return found, None
    into = target or found.target or DEFAULT_FILE
    preview = build_preview(
        data_dir, config, into, found.table, [], source_label=found.label, today=today, mode="merge"
    )
    return found, preview


def format_for(metric_id: str) -> ImportFormat | None:
    """The export that gives values for ``metric_id`` (``None``: typed in by hand)."""
    return next((fmt for fmt in FORMATS.values() if metric_id in fmt.metrics), None)
