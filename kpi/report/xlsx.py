"""The Excel report: a Summary sheet, one sheet per area with native line charts, Observations, Method.

Written with xlsxwriter so the charts are Excel's own (the board can restyle them) and open in
LibreOffice Calc too. Numbers are numbers, dates are real dates with a date format, and every
text cell is written with ``write_string`` after :func:`kpi.text.cells.neutralise`, so a note typed as
``=HYPERLINK(...)`` stays inert text. The values in the Summary are exactly those of
``kpi status --format json`` (same rounding), so a spreadsheet and the CLI can be compared.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from kpi.judge.explain import explanation, status_record
from kpi.judge.rules import STATUSES, MetricStatus, expected_latest, expected_year_to_date, year_target
from kpi.model.values import as_text
from kpi.report.content import MILESTONE_STATES, ReportContent, report_state, report_state_text
from kpi.report.indicators import evidence_lines, indicator_results, indicator_rows
from kpi.report.period import activity_summary
from kpi.report.texts import (
    change_lines,
    changes_heading,
    map_attribution,
    method_lines,
    period_text,
    shows_map_credit,
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
            # Every cell top-aligned in a readable size: rows whose cells wrap to different
            # heights still read across (a printed workbook is attached to a funder's report).
            "default_format_properties": {"valign": "top", "font_size": 11},
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
    lang = content.lang
    summary = workbook.add_worksheet(_sheet_name(t("reports.sheet_summary", lang), used_names))
    _print_setup(summary, content, _summary_sheet(summary, content, styles))
    for _area_id, area_name, members in content.groups():
        # Milestones are on the Milestones sheet with their chart; an area sheet holds the
        # metrics, each with its chart, so no sheet is left without one.
        measured = [item for item in members if item.metric.kind_of.has_targets]
        if not measured:
            continue
        sheet = workbook.add_worksheet(_sheet_name(area_name, used_names))
        _area_sheet(workbook, sheet, content, measured, styles)
        _print_setup(sheet, content, None)
    indicator_header, indicator_table = indicator_rows(content)
    if indicator_table:
        sheet = workbook.add_worksheet(_sheet_name(t("funders.indicators_heading", lang), used_names))
        _print_setup(sheet, content, _indicator_sheet(sheet, content, indicator_header, indicator_table, styles))
    groups = milestone_groups(content)
    if groups:
        sheet = workbook.add_worksheet(_sheet_name(t("period.sheet_milestones", lang), used_names))
        _print_setup(sheet, content, _milestone_sheet(workbook, sheet, content, groups, styles))
    line, header, rows = activity_summary(content)
    if line:
        sheet = workbook.add_worksheet(_sheet_name(t("period.activities_heading", lang), used_names))
        _print_setup(sheet, content, _activities_sheet(sheet, line, header, rows, styles))
    if content.spec.member_level and any(not content.observations(item.id).empty for item in content.statuses):
        observations = workbook.add_worksheet(_sheet_name(t("reports.sheet_observations", lang), used_names))
        _observations_sheet(observations, content, styles)
        _print_setup(observations, content, 0)
    method = workbook.add_worksheet(_sheet_name(t("reports.sheet_method", lang), used_names))
    _method_sheet(method, content, styles)
    _print_setup(method, content, None)
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
    """A number cell; nothing for a missing or infinite value (Excel has no ±∞, and xlsxwriter
    refuses them): the loader refuses such values, but the writer must not crash on one."""
    if value is None:
        return
    try:
        number = float(value)
    except (TypeError, ValueError):
        return
    if not math.isfinite(number):
        return
    sheet.write_number(row, col, number, style)


def _date(sheet: Worksheet, row: int, col: int, value: str | dt.date | None, style: Any) -> None:
    if not value:
        return
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    sheet.write_datetime(row, col, dt.datetime(day.year, day.month, day.day), style)


SUMMARY_WIDTHS = {
    "id": 22,
    "area": 14,
    "name": 40,
    "start_value": 11,
    "change": 11,
    "status_label": 20,
    "value": 11,
    "value_date": 12,
    "pace": 8,
    "expected": 11,
    "next_target_value": 11,
    "next_target_date": 12,
    "stale": 10,
    "explanation": 50,
    "status": 12,
    "comment": 40,
    "value_note": 30,
}


# --- Summary -------------------------------------------------------------------------------------


def _indicator_sheet(
    sheet: Worksheet, content: ReportContent, header: list[str], rows: list[list[str]], styles: _Styles
) -> int:
    """The funder's indicators (target, achieved in the period and in total), then every counted
    item of the period as evidence. Returns the header row."""
    lang = content.lang
    _text(sheet, 0, 0, f"{t('funders.indicators_heading', lang)} – {content.scope_label}", styles.title)
    header_row = 3
    for col, text in enumerate(header):
        _text(sheet, header_row, col, text, styles.header)
    row = header_row
    for values in rows:
        row += 1
        for col, text in enumerate(values):
            _text(sheet, row, col, text, styles.wrap)
    row += 2
    for result in indicator_results(content):
        indicator = result.indicator
        _text(
            sheet,
            row,
            0,
            t("funders.evidence_heading", lang, code=indicator.code, name=indicator.name.get(lang)),
            styles.bold,
        )
        for line in evidence_lines(result, lang):
            row += 1
            _text(sheet, row, 1, line, styles.wrap)
        row += 2
    for col, width in enumerate([16, 60, 22, 18, 18]):
        sheet.set_column(col, col, width)
    return header_row


def summary_columns(content: ReportContent) -> list[str]:
    """The Summary's header keys in order (translated as ``reports.xlsx_<key>``; years added)."""
    keys = ["name", "area", "status_label", "value"]
    if content.spec.period_from is not None and any(item.metric.kind_of.has_targets for item in content.statuses):
        keys += ["start_value", "change"]
    keys += ["value_date", "pace", "expected", "next_target_value", "next_target_date"]
    keys += [f"target_{year}" for year in target_years(content.statuses)]
    keys += ["stale", "explanation"]
    if content.spec.member_level and any(content.value_note(item) for item in content.statuses):
        keys.append("value_note")  # only when some value has a note: the summary must print one page wide
    keys += ["status", "id"]
    if content.comments or content.pack is not None and content.spec.comments_wanted:
        keys.append("comment")
    if content.kind == "project":
        # A funder's attachment: no internal codes (status code, id), none of the dashboard's
        # working columns (pace, expected value, stale flag), no column left empty.
        keys = [key for key in keys if key not in FUNDER_LEAVES_OUT]
        keys = [key for key in keys if any(_has_cell(content, item, key) for item in content.statuses)]
    return keys


FUNDER_LEAVES_OUT = frozenset({"status", "id", "pace", "expected", "stale", "area"})


def _has_cell(content: ReportContent, item: MetricStatus, key: str) -> bool:
    """Whether a summary column would hold something for this goal (an empty column is left out)."""
    if key in ("name", "status_label", "value", "explanation", "comment"):
        return True
    if key in ("start_value", "change"):
        return item.metric.kind_of.has_targets
    if key == "value_date":
        return (item.done_date if item.metric.kind_of.done_or_not else item.value_date) is not None
    if key in ("next_target_value", "next_target_date"):
        return item.metric.kind_of.has_targets and bool(item.targets)
    if key.startswith("target_"):
        year = int(key.removeprefix("target_"))
        return any(target.date.year == year for target in item.metric.targets)
    if key == "value_note":
        return bool(content.value_note(item))
    return True


def _summary_sheet(sheet: Worksheet, content: ReportContent, styles: _Styles) -> int:
    """The status table; returns its header row (repeated on every printed page)."""
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
            label = t(f"reports.xlsx_{key}", lang) if key not in _PERIOD_KEYS else _period_label(content, key)
        _text(sheet, header_row, col, label, styles.header)
    for index, item in enumerate(content.statuses):
        row = header_row + 1 + index
        data = status_record(item, lang)
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
        before = content.start.get(item.id)
        start_value = before.value if before is not None and item.metric.kind_of.has_targets else None
        for col, key in enumerate(keys):
            if key == "value" and item.metric.kind_of.done_or_not:
                _text(sheet, row, col, report_state_text(item, content.final, lang))  # words, not 0/1
            elif key == "start_value":
                _number(sheet, row, col, start_value, number)
            elif key == "change":
                if start_value is not None and item.value is not None:
                    _number(sheet, row, col, item.value - start_value, number)
            elif key == "next_target_value" and item.metric.kind_of.done_or_not:
                continue  # a milestone's "target" is done (1): its due date says all
            elif key in ("value", "expected", "next_target_value"):
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
                target = item.target_for_year(year) if item.metric.kind_of.has_targets else None
                if target is not None:
                    _number(sheet, row, col, target.value, number)
                elif item.metric.kind_of.done_or_not and item.metric.due_date.year == year:
                    _text(sheet, row, col, t("reports.due_short", lang, date=item.metric.due_date.isoformat()))
            else:
                _text(
                    sheet,
                    row,
                    col,
                    values[key],
                    styles.wrap if key in ("name", "explanation", "comment", "value_note") else None,
                )
        _fit_row(
            sheet,
            row,
            [(values["name"], SUMMARY_WIDTHS["name"]), (values["explanation"], SUMMARY_WIDTHS["explanation"])],
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
    sheet.freeze_panes(header_row + 1, 1)
    sheet.autofilter(header_row, 0, max(last, header_row + 1), len(keys) - 1)
    for col, key in enumerate(keys):
        sheet.set_column(col, col, SUMMARY_WIDTHS.get(key, 11))
    sheet.set_row(header_row, 32)
    row = last + 2
    if content.previous is not None:
        _text(sheet, row, 0, changes_heading(content), styles.bold)
        for line in change_lines(content) or [t("reports.no_changes", lang)]:
            row += 1
            _text(sheet, row, 0, line)
    return header_row


_PERIOD_KEYS = ("start_value", "change")


def _period_label(content: ReportContent, key: str) -> str:
    if key == "start_value":
        start = content.spec.period_from
        return t("period.col_start", content.lang, date=start.isoformat() if start else "–")
    return t("period.col_change", content.lang)


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
    row = 0
    for item in members:
        metric = item.metric
        number = styles.number(metric.decimals)
        _text(sheet, row, 0, metric.display_name(lang), styles.title)
        _text(sheet, row + 1, 0, status_label(item.status, lang), styles.status[item.status])
        _text(sheet, row + 2, 0, explanation(item, lang))
        start = row + 4
        if metric.kind_of.done_or_not:
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
            _number(sheet, row, 3, record.value, number)
            _text(sheet, row, 4, as_text(record.note))
            _text(sheet, row, 5, as_text(record.source))
            _text(sheet, row, 6, as_text(record.file))
            if not _missing(record.row):  # a pack's rows are pandas' nullable Int64: NA, not None
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
    if shows_map_credit(content):
        row += 2
        _text(sheet, row, 0, map_attribution(lang), styles.muted)


# --- milestones, activities, print set-up --------------------------------------------------------


def milestone_groups(content: ReportContent) -> list[tuple[str, list[MetricStatus]]]:
    """Milestones per work package (a project's report: those due or done in the period); in
    other scopes per project and package, else per area."""
    if content.kind == "project":
        return content.milestone_groups()
    lang = content.lang
    groups: dict[str, list[MetricStatus]] = {}
    for item in content.statuses:
        metric = item.metric
        if not metric.kind_of.done_or_not:
            continue
        label = content.config.area_name(metric.area, lang)
        if metric.project:
            project = content.config.project(metric.project)
            names = {package.id: package.name.get(lang) for package in project.packages}
            label = f"{project.name.get(lang)} · {names.get(metric.package or '', t('reports.no_package', lang))}"
        groups.setdefault(label, []).append(item)
    return list(groups.items())


def _milestone_sheet(
    workbook: xlsxwriter.Workbook,
    sheet: Worksheet,
    content: ReportContent,
    groups: list[tuple[str, list[MetricStatus]]],
    styles: _Styles,
) -> int:
    """Every milestone with its state in words, and a stacked column chart: done, late and open
    per package (its numbers in the small table the chart reads). Returns the header row."""
    lang = content.lang
    _text(sheet, 0, 0, f"{content.title} – {content.scope_label}", styles.title)
    _text(sheet, 1, 0, period_text(content.spec, lang), styles.muted)
    header_row = 3
    headers = [
        t("reports.col_milestone", lang),
        t("period.col_package", lang),
        t("reports.col_due", lang),
        t("reports.col_done", lang),
        t("period.col_state", lang),
        t("reports.col_status", lang),
    ]
    # The goal's id only outside a funder's report (a funder reads no internal codes).
    with_id = content.kind != "project"
    if with_id:
        headers.append(t("reports.xlsx_id", lang))
    for col, text in enumerate(headers):
        _text(sheet, header_row, col, text, styles.header)
    row = header_row
    for label, items in groups:
        for item in items:
            row += 1
            _text(sheet, row, 0, item.metric.display_name(lang), styles.wrap)
            _text(sheet, row, 1, label, styles.wrap)
            _date(sheet, row, 2, item.metric.due, styles.date)
            _date(sheet, row, 3, item.done_date, styles.date)
            _text(sheet, row, 4, report_state_text(item, content.final, lang))
            _text(sheet, row, 5, status_label(item.status, lang), styles.status[item.status])
            if with_id:
                _text(sheet, row, 6, item.id)
            _fit_row(sheet, row, [(item.metric.display_name(lang), 52), (label, 34)])
    for col, width in enumerate([52, 34, 12, 12, 14, 16, 30]):
        sheet.set_column(col, col, width)
    sheet.autofilter(header_row, 0, max(row, header_row + 1), len(headers) - 1)
    sheet.freeze_panes(header_row + 1, 1)
    # The chart's own table: one row per package, done / late / open.
    table = row + 3
    states = ("done", "not_delivered") if content.final else MILESTONE_STATES
    names = [t("period.col_package", lang)] + [t(_STATE_WORDS[state], lang) for state in states]
    for col, text in enumerate(names):
        _text(sheet, table, col, text, styles.header)
    for offset, (label, items) in enumerate(groups, start=1):
        counts = dict.fromkeys(states, 0)
        for item in items:
            counts[report_state(item, content.final)] += 1
        _text(sheet, table + offset, 0, label)
        for col, state in enumerate(states, start=1):
            sheet.write_number(table + offset, col, counts[state])
    first, last = table + 1, table + len(groups)
    name = sheet.get_name()
    chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    for col, state in enumerate(states, start=1):
        colour = _STATE_COLOURS[state]
        chart.add_series(
            {
                "name": [name, table, col],
                "categories": [name, first, 0, last, 0],
                "values": [name, first, col, last, col],
                "fill": {"color": colour},
                "pattern": {"pattern": _STATE_PATTERNS[state], "fg_color": colour, "bg_color": "#FFFFFF"}
                if _STATE_PATTERNS[state]
                else None,
                "data_labels": {"value": True, "num_format": "0;-0;;@"},  # no label on a zero
            }
        )
    chart.set_title({"name": t("period.milestone_chart_title", lang), "name_font": {"size": 11, "bold": True}})
    # A bar chart's axes are swapped: y is the packages (first at the top), x the counts.
    chart.set_y_axis({"reverse": True, "interval_unit": 1})
    chart.set_x_axis({"major_unit": 1, "num_format": "0", "min": 0})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": max(280, 110 + 44 * len(groups))})
    sheet.insert_chart(last + 2, 0, chart)
    return header_row


_STATE_WORDS = {
    "done": "registers.status.done",
    "late": "registers.status.overdue",
    "open": "registers.status.open",
    "not_delivered": "funders.state_not_delivered",
}
_STATE_COLOURS = {"done": "#1A7F37", "late": "#CF222E", "open": "#2F81F7", "not_delivered": "#CF222E"}
# A pattern as well as a colour, so the states differ in a black-and-white print too.
_STATE_PATTERNS = {
    "done": None,
    "late": "wide_upward_diagonal",
    "open": "percent_20",
    "not_delivered": "wide_upward_diagonal",
}


def _activities_sheet(sheet: Worksheet, line: str, header: list[str], rows: list[list[str]], styles: _Styles) -> int:
    _text(sheet, 0, 0, line, styles.bold)
    header_row = 2
    for col, text in enumerate(header):
        _text(sheet, header_row, col, text, styles.header)
    for offset, values in enumerate(rows, start=1):
        for col, text in enumerate(values):
            if col == 0 and text != "–":
                _date(sheet, header_row + offset, col, text, styles.date)
            elif col == 3 and text != "–":
                _number(sheet, header_row + offset, col, float(text.replace("\u00a0", "").replace(" ", "")))
            else:
                _text(sheet, header_row + offset, col, text)
    for col, width in enumerate([12, 50, 26, 11, 14]):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(header_row + 1, 0)
    return header_row


def _print_setup(sheet: Worksheet, content: ReportContent, header_row: int | None) -> None:
    """Every sheet prints as a report page: A4 landscape, one page wide, the header row repeated,
    the title and period in the page header and "page n of m" in the footer."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.7)
    if header_row is not None:
        sheet.repeat_rows(header_row)
    title = f"{content.organisation}: {content.title} – {content.scope_label}"
    period = period_text(content.spec, content.lang)
    sheet.set_header(f"&L&B{_header_text(title)}&R{_header_text(period)}")
    sheet.set_footer("&R" + _header_text(t("reports.page_of", content.lang, page="&P", pages="&N")))


def _header_text(text: str) -> str:
    """Text for a page header: '&' doubled (Excel reads '&' as a code), at most 100 characters."""
    text = text if len(text) <= 100 else text[:99] + "…"
    return text.replace("&", "&&").replace("&&P", "&P").replace("&&N", "&N")


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _fit_row(sheet: Worksheet, row: int, cells: list[tuple[str, float]]) -> None:
    """Set a row's height to its longest wrapped text: spreadsheet programs keep the stored
    height when they open a file, so wrapped text would otherwise overlap the next row."""
    lines = max((math.ceil(len(text) * 1.1 / max(width - 1, 1)) for text, width in cells if text), default=1)
    if lines > 1:
        sheet.set_row(row, 15 * lines)
