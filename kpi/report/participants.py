"""The funder's participant list ("deltagarlista") as an Excel workbook: each organisation that
took part in the project's activities in the period, with its organisation number and e-mail,
kommun, kind, the activity and the date. Personal data (an e-mail address names a person): the
Reports page offers it only to those who may see member data.
"""

from __future__ import annotations

import io

import xlsxwriter

from kpi.report.content import ReportContent
from kpi.report.indicators import participant_list
from kpi.report.texts import period_text
from kpi.text.cells import neutralise
from kpi.text.i18n import t

WIDTHS = {"Organisation": 38, "E-post": 32, "E-mail": 32, "Aktivitet": 44, "Activity": 44}


def render_participants(content: ReportContent) -> bytes:
    lang = content.lang
    header, rows = participant_list(content)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    base = {"font_name": "Calibri", "font_size": 11, "valign": "top", "text_wrap": True}
    title = workbook.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False})
    head = workbook.add_format({**base, "bold": True, "bg_color": "#EAEEF2", "bottom": 1})
    cell = workbook.add_format(base)
    sheet = workbook.add_worksheet(t("funders.sheet_participants", lang)[:31])
    sheet.write_string(0, 0, f"{t('funders.sheet_participants', lang)} – {content.scope_label}", title)
    sheet.write_string(1, 0, period_text(content.spec, lang), cell)
    for col, text in enumerate(header):
        sheet.write_string(3, col, text, head)
        sheet.set_column(col, col, WIDTHS.get(text, 18))
    for row_index, row in enumerate(rows, start=4):
        for col, text in enumerate(row):
            sheet.write_string(row_index, col, neutralise(text), cell)
    sheet.freeze_panes(4, 0)
    sheet.autofilter(3, 0, 3 + max(len(rows), 1), len(header) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(3)
    sheet.set_footer("&R&P / &N")
    workbook.close()
    return buffer.getvalue()
