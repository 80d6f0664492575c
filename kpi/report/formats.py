"""The report formats, defined once: name, media type, label and writer.

The CLI's ``--format`` choices, the Reports page's format list and its download button's media
type, and :func:`kpi.report.build.render` all read :data:`REPORT_FORMATS`. Adding a format is one
entry here (and its label in ``kpi/text/locales/reports.yaml``); its writer module is imported
only when a report in that format is made, so making a CSV never loads fpdf or kaleido.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from kpi.text.i18n import t


@dataclass(frozen=True)
class ReportFormat:
    """One way to lay out a report's content."""

    name: str  # the ``--format`` value and the file extension
    media_type: str
    writer: str  # ``module:function`` taking a ReportContent and returning bytes
    # Charts are drawn by the headless renderer (kpi.report.images): the CLI starts it while the
    # data loads, so the first chart does not wait for a browser start.
    draws_charts: bool = False
    # The file name's extension when it is not the name (the participant list is an .xlsx).
    suffix: str | None = None

    @property
    def extension(self) -> str:
        return self.suffix or self.name

    @property
    def label_key(self) -> str:
        return "reports.format_" + self.name

    def label(self, lang: str) -> str:
        """The format in the user's words ("Excel (.xlsx)", "CSV (statustabell)")."""
        return t(self.label_key, lang)

    def write(self, content: Any) -> bytes:
        """``content`` is a :class:`kpi.report.content.ReportContent` (not imported here: the
        content module reads this registry)."""
        module, _, function = self.writer.partition(":")
        render = cast("Callable[[Any], bytes]", getattr(importlib.import_module(module), function))
        return render(content)


REPORT_FORMATS: dict[str, ReportFormat] = {
    item.name: item
    for item in (
        ReportFormat("pdf", "application/pdf", "kpi.report.pdf:render_pdf", draws_charts=True),
        ReportFormat(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "kpi.report.xlsx:render_xlsx"
        ),
        ReportFormat("csv", "text/csv", "kpi.report.csv_table:render_csv"),
        ReportFormat("html", "text/html", "kpi.report.html:render_html", draws_charts=True),
        # The funder's report as a Word document (issue 24).
        ReportFormat(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "kpi.report.word:render_docx",
        ),
        # Every narrative section as plain text, to paste into the funder's web form (issue 24).
        ReportFormat("text", "text/plain", "kpi.report.narratives:render_text", suffix="txt"),
        # The funder's participant list for a project's period (issue 24).
        ReportFormat(
            "participants",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "kpi.report.participants:render_participants",
            suffix="xlsx",
        ),
    )
}
FORMATS: tuple[str, ...] = tuple(REPORT_FORMATS)
MEDIA_TYPES: dict[str, str] = {name: item.media_type for name, item in REPORT_FORMATS.items()}


def report_format(name: str) -> ReportFormat:
    """The format called ``name``; a KeyError names an unknown one."""
    return REPORT_FORMATS[name]
