"""The Excel report: a Summary sheet, one sheet per area with native line charts, Observations, Method.

Written with xlsxwriter so the charts are Excel's own (the board can restyle them) and open in
LibreOffice Calc too. Numbers are numbers, dates are real dates with a date format, and every
text cell is written with ``write_string`` after :func:`kpi.cells.neutralise`, so a note typed as
``=HYPERLINK(...)`` stays inert text. The values in the Summary are exactly those of
``kpi status --format json`` (same rounding), so a spreadsheet and the CLI can be compared.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import numpy as np
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from kpi.judge.rules import STATUSES, MetricStatus, expected_latest, expected_year_to_date, year_target
from kpi.model.values import as_text
from kpi.report.content import (
    ReportContent,
    change_lines,
    changes_heading,
    map_attribution,
    method_lines,
    source_rows,
    target_years,
    title_facts,
)
from kpi.show.status import STATUS_COLOURS, status_label, tint
from kpi.text.cells import neutralise
from kpi.text.i18n import t

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
CHART_ROWS = 17  # a chart is 17 rows high; a metric's block is at least that tall


def render_xlsx(content: ReportContent) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    workbook.set_properties(
        {"title": f"{content.organisation}: {content.title}", "author": content.organisation, "comments": "Målbild"}
    )
    styles = _Styles(workbook)
    used_names: set[str] = set()
    summary = workbook.add_worksheet(_sheet_name(t("reports.sheet_summary", content.lang), used_names))
    _summary_sheet(summary, content, styles)
    for _area_id, area_name, members in content.groups():
        sheet = workbook.add_worksheet(_sheet_name(area_name, used_names))
        _area_sheet(workbook, sheet, content, members, styles)
    observations = workbook.add_worksheet(_sheet_name(t("reports.sheet_observations", content.lang), used_names))
    _observations_sheet(observations, content, styles)
    method = workbook.add_worksheet(_sheet_name(t("reports.sheet_method", content.lang), used_names))
    _method_sheet(method, content, styles)
    workbook.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, workbook: xlsxwriter.Workbook):
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.bold = workbook.add_format({"bold": True})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#EAEEF2", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.pace = workbook.add_format({"num_format": "0.00"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.muted = workbook.add_format({"font_color": "#57606A", "text_wrap": True, "valign": "top"})
        self.status = {
            status: workbook.add_format(
                {
                    "bold": True,
                    "font_color": "#1F2328",
                    "bg_color": tint(colour, 0.18).upper(),
                    "left": 5,
                    "left_color": colour,
                }
            )
            for status, colour in STATUS_COLOURS.items()
        }
        self._workbook = workbook
        self._numbers: dict[int, Any] = {}

    def number(self, decimals: int | None) -> Any:
        key = -1 if decimals is None else decimals
        if key not in self._numbers:
            pattern = "#,##0.##" if decimals is None else ("#,##0" + ("." + "0" * decimals if decimals else ""))
            self._numbers[key] = self._workbook.add_format({"num_format": pattern})
        return self._numbers[key]


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = _SHEET_FORBIDDEN.sub("-", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


def _text(sheet: Worksheet, row: int, col: int, value: Any, style: Any = None) -> None:
    """Every text cell: neutralised, written as a string (never evaluated as a formula)."""
    if value is None:
        return
    sheet.write_string(row, col, neutralise(str(value)), style)


def _number(sheet: Worksheet, row: int, col: int, value: float | None, style: Any = None) -> None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return
    sheet.write_number(row, col, float(value), style)


def _date(sheet: Worksheet, row: int, col: int, value: str | dt.date | None, style: Any) -> None:
    if not value:
        return
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    sheet.write_datetime(row, col, dt.datetime(day.year, day.month, day.day), style)


# --- Summary -------------------------------------------------------------------------------------


def summary_columns(content: ReportContent) -> list[str]:
    """The Summary's header keys in order (translated as ``reports.xlsx_<key>``; years added)."""
    keys = [
        "id",
        "area",
        "name",
        "status_label",
        "value",
        "value_date",
        "pace",
        "expected",
        "next_target_value",
        "next_target_date",
    ]
    keys += [f"target_{year}" for year in target_years(content.statuses)]
    keys += ["stale", "explanation", "value_note", "status"]
    if content.pack is not None:
        keys.append("comment")
    return keys


def _summary_sheet(sheet: Worksheet, content: ReportContent, styles: _Styles) -> None:
    lang = content.lang
    _text(sheet, 0, 0, f"{content.organisation}: {content.title} – {content.scope_label}", styles.title)
    _text(
        sheet,
        1,
        0,
        t("reports.xlsx_as_of_line", lang, as_of=content.as_of.isoformat(), made=f"{content.made:%Y-%m-%d %H:%M}"),
        styles.muted,
    )
    keys = summary_columns(content)
    header_row = 3
    for col, key in enumerate(keys):
        if key.startswith("target_"):
            label = t("reports.col_target_year", lang, year=key.split("_")[1])
        else:
            label = t(f"reports.xlsx_{key}", lang)
        _text(sheet, header_row, col, label, styles.header)
    for index, item in enumerate(content.statuses):
        row = header_row + 1 + index
        data = item.to_dict(lang)
        number = styles.number(item.metric.decimals)
        values = {
            "id": data["id"],
            "area": content.config.area_name(item.metric.area, lang),
            "name": data["name"],
            "status_label": status_label(item.status, lang),
            "explanation": data["explanation"],
            "status": data["status"],
            "comment": content.comments.get(item.id, ""),
            "value_note": content.value_note(item),
            "stale": t("reports.yes", lang) if data["stale"] else "",
        }
        for col, key in enumerate(keys):
            if key in ("value", "expected", "next_target_value"):
                value = (data["next_target"] or {}).get("value") if key == "next_target_value" else data[key]
                _number(sheet, row, col, value, number)
            elif key == "pace":
                _number(sheet, row, col, data["pace"], styles.pace)
            elif key == "value_date":
                _date(sheet, row, col, data["value_date"], styles.date)
            elif key == "next_target_date":
                _date(sheet, row, col, (data["next_target"] or {}).get("date"), styles.date)
            elif key.startswith("target_"):
                year = int(key.split("_")[1])
                target = item.target_for_year(year) if item.metric.kind == "metric" else None
                if target is not None:
                    _number(sheet, row, col, target.value, number)
                elif item.metric.kind == "milestone" and item.metric.due_date.year == year:
                    _text(sheet, row, col, t("reports.due_short", lang, date=item.metric.due_date.isoformat()))
            else:
                _text(
                    sheet,
                    row,
                    col,
                    values[key],
                    styles.wrap if key in ("explanation", "comment", "value_note") else None,
                )
    last = header_row + len(content.statuses)
    status_col = keys.index("status_label")
    if content.statuses:
        # Colour repeats the icon and word; one rule per status, on the icon+word text itself.
        for status in STATUSES:
            sheet.conditional_format(
                header_row + 1,
                status_col,
                last,
                status_col,
                {
                    "type": "text",
                    "criteria": "containing",
                    "value": status_label(status, lang),
                    "format": styles.status[status],
                },
            )
    sheet.freeze_panes(header_row + 1, 3)
    sheet.autofilter(header_row, 0, max(last, header_row + 1), len(keys) - 1)
    widths = {
        "id": 22,
        "area": 16,
        "name": 36,
        "status_label": 20,
        "value": 11,
        "value_date": 12,
        "pace": 8,
        "expected": 11,
        "next_target_value": 11,
        "next_target_date": 12,
        "stale": 10,
        "explanation": 60,
        "status": 12,
        "comment": 40,
        "value_note": 30,
    }
    for col, key in enumerate(keys):
        sheet.set_column(col, col, widths.get(key, 11))
    sheet.set_row(header_row, 32)
    row = last + 2
    if content.previous is not None:
        _text(sheet, row, 0, changes_heading(content), styles.bold)
        for line in change_lines(content) or [t("reports.no_changes", lang)]:
            row += 1
            _text(sheet, row, 0, line)


# --- one sheet per area ------------------------------------------------------------------------------


def chart_points(
    content: ReportContent, item: MetricStatus
) -> list[tuple[dt.date, float | None, float | None, float | None]]:
    """``(date, value, expected, target)`` rows behind a metric's Excel chart.

    The value is the observation (a yearly count: this year's running total); the expected path
    is read off the rule's own functions; targets sit on their dates. Observations are those in
    the report's period up to the as-of date.
    """
    metric = item.metric
    as_of = item.as_of
    data = content.chart_data()
    series = data.series.get(item.id)
    dates = series.dates if series is not None else np.array([], dtype="datetime64[D]")
    values = series.values if series is not None else np.array([], dtype="float64")
    keep = dates <= np.datetime64(as_of)
    dates, values = dates[keep], values[keep]
    observed: dict[dt.date, float] = {}
    expected: dict[dt.date, float] = {}
    targets: dict[dt.date, float] = {}
    if metric.aggregation == "year_to_date":
        start = dt.date(as_of.year, 1, 1)
        goal = year_target(metric.targets, as_of.year, as_of)
        in_year = dates >= np.datetime64(start)
        observed[start] = 0.0
        for day, total in zip(dates[in_year], np.cumsum(values[in_year])):
            observed[day.astype(dt.date)] = float(total)
        targets[goal.date] = goal.value
        for day in set(observed) | {goal.date}:
            expected[day] = expected_year_to_date(goal, day)
    else:
        for day, value in zip(dates, values):
            observed[day.astype(dt.date)] = float(value)
        for target in metric.targets:
            targets[target.date] = target.value
        if item.baseline is not None:
            corners = {item.baseline.date} | {
                target.date for target in metric.targets if target.date > item.baseline.date
            }
            for day in corners | set(observed):
                if day >= item.baseline.date:
                    expected[day] = expected_latest(item.baseline, metric.targets, day)
    days = sorted(set(observed) | set(expected) | set(targets))
    return [(day, observed.get(day), expected.get(day), targets.get(day)) for day in days]


def _area_sheet(
    workbook: xlsxwriter.Workbook,
    sheet: Worksheet,
    content: ReportContent,
    members: list[MetricStatus],
    styles: _Styles,
) -> None:
    lang = content.lang
    name = sheet.get_name()
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 3, 12)
    sheet.set_column(4, 4, 3)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    row = 0
    for item in members:
        metric = item.metric
        number = styles.number(metric.decimals)
        _text(sheet, row, 0, metric.display_name(lang), styles.title)
        _text(sheet, row + 1, 0, status_label(item.status, lang), styles.status[item.status])
        _text(sheet, row + 2, 0, item.explanation(lang))
        start = row + 4
        if metric.kind == "milestone":
            _text(sheet, start, 0, t("reports.col_due", lang), styles.header)
            _text(sheet, start, 1, t("reports.col_done", lang), styles.header)
            _date(sheet, start + 1, 0, metric.due, styles.date)
            _date(sheet, start + 1, 1, item.done_date, styles.date)
            row = start + 4
            continue
        headers = [
            t("reports.col_date", lang),
            t("reports.col_value", lang),
            t("reports.col_expected", lang),
            t("reports.col_target", lang),
        ]
        for col, text in enumerate(headers):
            _text(sheet, start, col, text, styles.header)
        points = chart_points(content, item)
        for offset, (day, value, expected, target) in enumerate(points, start=1):
            _date(sheet, start + offset, 0, day, styles.date)
            _number(sheet, start + offset, 1, value, number)
            _number(sheet, start + offset, 2, expected, number)
            _number(sheet, start + offset, 3, target, number)
        first, last = start + 1, start + max(len(points), 1)
        chart = workbook.add_chart({"type": "line"})
        value_name = (
            t("reports.col_running_total", lang)
            if metric.aggregation == "year_to_date"
            else t("reports.col_value", lang)
        )
        chart.add_series(
            {
                "name": value_name,
                "categories": [name, first, 0, last, 0],
                "values": [name, first, 1, last, 1],
                "line": {"color": "#1F4E3D", "width": 2.25},
                "marker": {"type": "circle", "size": 5, "fill": {"color": "#1F4E3D"}, "border": {"color": "#1F4E3D"}},
            }
        )
        chart.add_series(
            {
                "name": t("reports.col_expected", lang),
                "categories": [name, first, 0, last, 0],
                "values": [name, first, 2, last, 2],
                "line": {"color": "#57606A", "dash_type": "dash", "width": 1.5},
                "marker": {"type": "none"},
            }
        )
        chart.add_series(
            {
                "name": t("reports.col_target", lang),
                "categories": [name, first, 0, last, 0],
                "values": [name, first, 3, last, 3],
                "line": {"none": True},
                "marker": {"type": "diamond", "size": 9, "fill": {"color": "#7D4E00"}, "border": {"color": "#7D4E00"}},
            }
        )
        chart.set_title({"name": metric.display_name(lang), "name_font": {"size": 11, "bold": True}})
        chart.set_x_axis({"date_axis": True, "num_format": "yyyy-mm", "num_font": {"rotation": -45}})
        chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True, "line": {"color": "#D0D7DE"}}})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("span")
        chart.set_size({"width": 620, "height": 320})
        sheet.insert_chart(row + 3, 5, chart)
        row = max(last + 3, row + 3 + CHART_ROWS + 2)


# --- Observations and Method ------------------------------------------------------------------------


def _observations_sheet(sheet: Worksheet, content: ReportContent, styles: _Styles) -> None:
    lang = content.lang
    keys = ["metric", "name", "date", "value", "note", "source", "file", "row"]
    for col, key in enumerate(keys):
        _text(sheet, 0, col, t(f"reports.obs_{key}", lang), styles.header)
    row = 0
    for item in content.statuses:
        frame = content.observations(item.id)
        number = styles.number(item.metric.decimals)
        for record in frame.itertuples(index=False):
            row += 1
            _text(sheet, row, 0, item.id)
            _text(sheet, row, 1, item.metric.display_name(lang))
            _date(sheet, row, 2, record.date, styles.date)
            _number(sheet, row, 3, float(record.value), number)
            _text(sheet, row, 4, as_text(record.note))
            _text(sheet, row, 5, as_text(record.source))
            _text(sheet, row, 6, as_text(record.file))
            if record.row is not None and record.row == record.row:
                sheet.write_number(row, 7, int(record.row))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row, 1), len(keys) - 1)
    for col, width in enumerate([22, 30, 12, 11, 40, 16, 28, 6]):
        sheet.set_column(col, col, width)


def _method_sheet(sheet: Worksheet, content: ReportContent, styles: _Styles) -> None:
    lang = content.lang
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 100)
    _text(sheet, 0, 0, f"{content.organisation}: {content.title}", styles.title)
    row = 2
    for label, value in title_facts(content):
        _text(sheet, row, 0, label, styles.bold)
        _text(sheet, row, 1, value, styles.wrap)
        row += 1
    row += 1
    _text(sheet, row, 0, t("reports.method_heading", lang), styles.title)
    for line in method_lines(content.config, lang):
        row += 1
        _text(sheet, row, 0, line)
    row += 2
    _text(sheet, row, 0, t("reports.sources_heading", lang), styles.title)
    header, rows = source_rows(content)
    row += 1
    for col, text in enumerate(header):
        _text(sheet, row, col, text, styles.header)
    for values in rows:
        row += 1
        for col, text in enumerate(values):
            _text(sheet, row, col, text)
    row += 2
    _text(sheet, row, 0, map_attribution(lang), styles.muted)
