"""The funder's report as a Word document (python-docx): the cover facts, every narrative section
of the funder's form with its count against the limit, the indicators with their evidence, the
milestones per work package with evidence and deviation notes, and the period's activities with
the organisations taking part. Plain paragraphs and tables a coordinator edits or pastes from.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from kpi.report.content import ReportContent, report_state_text
from kpi.report.indicators import evidence_lines, indicator_results, indicator_rows, participant_lines
from kpi.report.narratives import report_sections
from kpi.report.period import activity_summary, milestone_notes
from kpi.report.texts import title_facts
from kpi.text.i18n import t


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text


def render_docx(content: ReportContent) -> bytes:
    lang = content.lang
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_paragraph(content.organisation)
    document.add_heading(content.title, level=0)
    document.add_paragraph(content.scope_label).runs[0].bold = True
    for label, value in title_facts(content):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    sections = report_sections(content)
    if sections:
        document.add_heading(t("funders.sections_heading", lang), level=1)
        for item in sections:
            document.add_heading(item.name(lang), level=2)
            document.add_paragraph(item.count_line(lang)).runs[0].italic = True
            for line in (item.text or "–").split("\n"):
                document.add_paragraph(line)

    header, rows = indicator_rows(content)
    if rows:
        document.add_heading(t("funders.indicators_heading", lang), level=1)
        _table(document, header, rows)
        for result in indicator_results(content):
            indicator = result.indicator
            document.add_heading(
                t("funders.evidence_heading", lang, code=indicator.code, name=indicator.name.get(lang)), level=3
            )
            for line in evidence_lines(result, lang):
                document.add_paragraph(line, style="List Bullet")

    notes = milestone_notes(content)
    for section in content.package_sections():
        if not section.milestones:
            continue
        document.add_heading(t("period.package_heading", lang, name=section.name), level=1)
        _table(
            document,
            [
                t("reports.col_milestone", lang),
                t("reports.col_due", lang),
                t("reports.col_done", lang),
                t("period.col_state", lang),
            ],
            [
                [
                    item.metric.display_name(lang),
                    item.metric.due_date.isoformat(),
                    item.done_date.isoformat() if item.done_date else "–",
                    report_state_text(item, content.final, lang),
                ]
                for item in section.milestones
            ],
        )
        for milestone in section.milestones:
            evidence, deviation = notes.get(milestone.id, ("", ""))
            name = milestone.metric.display_name(lang)
            if evidence:
                document.add_paragraph(f"{name}: " + t("funders.evidence_note", lang, text=evidence))
            if deviation:
                document.add_paragraph(f"{name}: " + t("funders.deviation_note", lang, text=deviation))

    line, header, rows = activity_summary(content)
    if line:
        document.add_heading(t("period.activities_heading", lang), level=1)
        document.add_paragraph(line)
        _table(document, header, rows)
        for text in participant_lines(content):
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
