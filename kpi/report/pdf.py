"""The PDF report (A4): title page, summary, one section per area with charts, milestones, method.

Laid out with fpdf2 from what :class:`kpi.report.content.ReportContent` prepared. The text font is an
embedded Unicode TrueType font (DejaVu Sans from Debian's ``fonts-dejavu-core``, else
reportlab's Vera if installed), because the core PDF fonts are Latin-1 only and cannot show
"–", "≥", "→" or the status icons. Should no Unicode font be found, the report is still made
with Helvetica and words stand in for the icons. Every status is printed as icon *and* word;
colour only repeats it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from kpi.judge.explain import explanation
from kpi.report.content import REPORT_STATE_KEYS, REPORT_STATES, ReportContent, report_state_text
from kpi.report.images import CHART_HEIGHT, CHART_WIDTH, chart_images, timeline_key
from kpi.report.indicators import evidence_lines, indicator_results, indicator_rows, participant_lines
from kpi.report.narratives import report_sections
from kpi.report.period import activity_summary, milestone_notes, period_value_rows
from kpi.report.texts import (
    change_lines,
    changes_heading,
    forecast_sentence,
    map_attribution,
    method_lines,
    observation_rows,
    problem_note,
    shows_map_credit,
    source_rows,
    summary_table,
    target_lines,
    title_facts,
)
from kpi.report.timeline import timeline_height
from kpi.show.status import STATUS_COLOURS, STATUS_ICONS, status_label
from kpi.text.i18n import t

FONT_CANDIDATES = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (
        Path(__file__).parent / "assets" / "fonts" / "DejaVuSans.ttf",
        Path(__file__).parent / "assets" / "fonts" / "DejaVuSans-Bold.ttf",
    ),
)
# Characters the report needs beyond Latin-1; a font lacking any of them gets plain stand-ins.
NEEDED = "–≥→−…" + "".join(STATUS_ICONS.values())
_PLAIN = {"–": "-", "≥": ">=", "→": "->", "−": "-", "…": "...", "\u00a0": " ", "\u202f": " ", "·": "-"}
OBS_ROWS = 6
PAGE_WIDTH = 180  # mm between the margins
INK = (31, 35, 40)
MUTED = (87, 96, 106)


@dataclass(frozen=True)
class FontChoice:
    family: str
    unicode: bool
    regular: Path | None = None
    bold: Path | None = None


def find_font() -> FontChoice:
    """DejaVu Sans (system or project copy), else reportlab's Vera, else the core Helvetica."""
    for regular, bold in FONT_CANDIDATES:
        if regular.is_file():
            return FontChoice("DejaVu", True, regular, bold if bold.is_file() else regular)
    try:
        import reportlab

        folder = Path(reportlab.__file__).parent / "fonts"
        if (folder / "Vera.ttf").is_file():
            bold = folder / "VeraBd.ttf"
            return FontChoice("Vera", True, folder / "Vera.ttf", bold if bold.is_file() else folder / "Vera.ttf")
    except ImportError:
        pass
    return FontChoice("Helvetica", False)


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


class ReportPDF(FPDF):
    """An A4 document with the report's footer ("Sida 3 av 12") and text cleaned for the font."""

    def __init__(self, content: ReportContent, font: FontChoice):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.content = content
        self.lang = content.lang
        self.font_family_name = font.family
        if font.unicode:
            self.add_font(font.family, "", str(font.regular))
            self.add_font(font.family, "B", str(font.bold))
            cmap = getattr(self.fonts[font.family.lower()], "cmap", {})
            self.missing = {ch for ch in NEEDED if ord(ch) not in cmap}
        else:
            self.missing = set(NEEDED)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"{content.organisation}: {content.title}")
        self.set_author(content.organisation)
        self.set_creator("Målbild")
        self.set_lang("sv-SE" if self.lang == "sv" else "en-GB")

    # Every string passes here: icons and dashes the font lacks become plain stand-ins.
    def clean(self, text: str) -> str:
        text = str(text)
        if not self.missing:
            return text
        for icon in STATUS_ICONS.values():
            if icon in self.missing:
                text = text.replace(icon + " ", "").replace(icon, "")
        for char, plain in _PLAIN.items():
            if char in self.missing or char in "\u00a0\u202f·":
                text = text.replace(char, plain)
        if self.font_family_name == "Helvetica":
            text = text.encode("latin-1", "replace").decode("latin-1")
        return text

    def font(self, size: float, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.font_family_name, "B" if bold else "", size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8, colour=MUTED)
        left = f"{self.content.organisation} · {self.content.scope_label} · {self.content.as_of.isoformat()}"
        self.cell(PAGE_WIDTH * 0.7, 5, self.clean(left), align="L")
        self.cell(
            PAGE_WIDTH * 0.3,
            5,
            self.clean(t("reports.page_of", self.lang, page=self.page_no(), pages="{nb}")),
            align="R",
        )

    def heading(self, text: str, size: float = 16) -> None:
        self.font(size, bold=True)
        self.multi_cell(PAGE_WIDTH, size * 0.5, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def paragraph(self, text: str, size: float = 10, bold: bool = False, colour=INK, height: float = 5) -> None:
        self.font(size, bold=bold, colour=colour)
        self.multi_cell(PAGE_WIDTH, height, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(
        self,
        header: list[str],
        rows: list[list[str]],
        widths: Sequence[float],
        codes: list[str] | None = None,
        status_column: int | None = None,
        size: float = 8.5,
        align: list[str] | None = None,
    ) -> None:
        """A table with a bold repeated header; the status column coloured as well as worded."""
        self.font(size)
        heading = FontFace(emphasis="BOLD", fill_color=(234, 238, 242), color=INK)
        with self.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            line_height=size * 0.55,
            headings_style=heading,
            text_align=align or "LEFT",
            padding=1,
            borders_layout="HORIZONTAL_LINES",
            repeat_headings=1,
        ) as table:
            row = table.row()
            for text in header:
                row.cell(self.clean(text))
            for index, values in enumerate(rows):
                row = table.row()
                for column, text in enumerate(values):
                    style = None
                    if codes is not None and column == status_column:
                        style = FontFace(emphasis="BOLD", color=_hex_rgb(STATUS_COLOURS[codes[index]]))
                    row.cell(self.clean(text), style=style)
        self.ln(3)


def render_pdf(content: ReportContent) -> bytes:
    """The whole PDF as bytes (charts rendered with kaleido; a note replaces them if that fails)."""
    pdf = ReportPDF(content, find_font())
    images = chart_images(content, "jpeg")  # JPEG: embedded as is, 20x faster than PNG in fpdf2
    _title_page(pdf)
    _summary(pdf)
    _changes(pdf)
    _narratives(pdf)
    _indicators(pdf)
    _period_values(pdf)
    _activities(pdf)
    if content.kind == "project":
        # A funder's structure: one section per work package, its milestones as one table and
        # one timeline, then its other metrics with their charts.
        for section in content.package_sections():
            _package_section(pdf, section, images)
    else:
        for _area_id, area_name, members in content.groups():
            pdf.add_page()
            pdf.heading(area_name, 16)
            for item in members:
                _metric_section(pdf, item, images)
    _method_and_sources(pdf)
    return bytes(pdf.output())


def _narratives(pdf: ReportPDF) -> None:
    """The funder's sections as the coordinator wrote them (plain text, never Markdown)."""
    content = pdf.content
    sections = report_sections(content)
    if not any(item.text for item in sections):
        return
    lang = content.lang
    pdf.ln(3)
    pdf.heading(t("funders.sections_heading", lang), 13)
    for item in sections:
        pdf.paragraph(item.name(lang), 10.5, bold=True)
        pdf.paragraph(item.text or "–", 9.5)
        pdf.ln(2)


def _indicators(pdf: ReportPDF) -> None:
    """The funder's indicators: target, achieved in the period and in total, then the counted
    items of the period as evidence."""
    content = pdf.content
    header, rows = indicator_rows(content)
    if not rows:
        return
    lang = content.lang
    pdf.ln(3)
    pdf.heading(t("funders.indicators_heading", lang), 13)
    pdf.grid(
        header,
        rows,
        [32, PAGE_WIDTH - 32 - 34 - 28 - 26, 34, 28, 26],
        size=9,
        align=["LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"],
    )
    for result in indicator_results(content):
        indicator = result.indicator
        pdf.paragraph(
            t("funders.evidence_heading", lang, code=indicator.code, name=indicator.name.get(lang)), 9.5, bold=True
        )
        for line in evidence_lines(result, lang):
            pdf.paragraph("· " + line, 8.5, height=4.2)
        pdf.ln(1.5)


def _period_values(pdf: ReportPDF) -> None:
    """Each metric's value at the period's start and end: what changed in the period."""
    content = pdf.content
    if content.spec.period_from is None:
        return
    header, rows = period_value_rows(content)
    if not rows:
        return
    pdf.ln(3)
    pdf.heading(t("period.values_heading", content.lang), 13)
    pdf.grid(header, rows, [PAGE_WIDTH - 118, 26, 26, 26, 40], align=["LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"])


def _activities(pdf: ReportPDF) -> None:
    content = pdf.content
    line, header, rows = activity_summary(content)
    if not line:
        return
    pdf.ln(3)
    pdf.heading(t("period.activities_heading", content.lang), 13)
    pdf.paragraph(line, 9.5)
    pdf.ln(1)
    pdf.grid(
        header,
        rows,
        [22, PAGE_WIDTH - 22 - 44 - 22 - 28, 44, 22, 28],
        size=8,
        align=["LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"],
    )
    for text in participant_lines(content):
        pdf.paragraph(text, 9.5)


def _package_section(pdf: ReportPDF, section, images) -> None:
    content = pdf.content
    lang = content.lang
    if pdf.get_y() > pdf.page_break_trigger - 90:  # a package starts where at least its table fits
        pdf.add_page()
    else:
        pdf.ln(6)
    pdf.heading(t("period.package_heading", lang, name=section.name), 15)
    if section.milestones:
        counts = section.state_counts()
        pdf.paragraph(
            " · ".join(
                f"{counts[state]} {t(REPORT_STATE_KEYS[state], lang)}" for state in REPORT_STATES if counts[state]
            ),
            10,
            bold=True,
        )
        pdf.ln(1)
        header = [
            t("reports.col_milestone", lang),
            t("reports.col_due", lang),
            t("reports.col_done", lang),
            t("period.col_state", lang),
        ]
        rows = [
            [
                item.metric.display_name(lang),
                item.metric.due_date.isoformat(),
                item.done_date.isoformat() if item.done_date else "–",
                report_state_text(item, content.final, lang),
            ]
            for item in section.milestones
        ]
        pdf.grid(header, rows, [PAGE_WIDTH - 94, 24, 24, 46], [item.status for item in section.milestones], 3, 9)
        image = images.images.get(timeline_key(section))
        if image is not None:
            height = PAGE_WIDTH * _timeline_ratio(section)
            if pdf.get_y() + height > pdf.page_break_trigger:
                pdf.add_page()
            pdf.image(
                io.BytesIO(image),
                x=pdf.l_margin,
                w=PAGE_WIDTH,
                h=height,
                alt_text=pdf.clean(t("period.timeline_alt", lang, name=section.name)),
            )
            pdf.ln(4)
        else:
            pdf.paragraph(t("reports.chart_missing", lang, reason=images.failure or "–"), 9, colour=MUTED)
        notes = milestone_notes(content)
        for item in section.milestones:
            evidence, deviation = notes.get(item.id, ("", ""))
            if evidence:
                pdf.paragraph(
                    f"{item.metric.display_name(lang)}: " + t("funders.evidence_note", lang, text=evidence), 9
                )
            if deviation:
                pdf.paragraph(
                    f"{item.metric.display_name(lang)}: " + t("funders.deviation_note", lang, text=deviation), 9
                )
        for item in section.milestones:
            comment = content.comments.get(item.id)
            if comment:
                pdf.paragraph(
                    f"{item.metric.display_name(lang)}: " + t("reports.board_comment", lang, comment=comment), 9
                )
    else:
        pdf.paragraph(t("period.package_no_milestones", lang), 9.5, colour=MUTED)
    for item in section.metrics:
        _metric_section(pdf, item, images)


def _timeline_ratio(section) -> float:
    """The timeline image's height over its width, as :mod:`kpi.report.timeline` sizes it."""
    return timeline_height(len(section.milestones)) / CHART_WIDTH


def _title_page(pdf: ReportPDF) -> None:
    content = pdf.content
    pdf.add_page()
    pdf.ln(12)
    pdf.paragraph(content.organisation, 14, colour=MUTED, height=7)
    pdf.ln(2)
    pdf.heading(content.title, 26)
    pdf.paragraph(content.scope_label, 15, bold=True, height=8)
    pdf.ln(10)
    for label, value in title_facts(content):
        pdf.font(10.5, bold=True)
        pdf.cell(45, 7, pdf.clean(label))
        pdf.font(10.5)
        pdf.multi_cell(PAGE_WIDTH - 45, 7, pdf.clean(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    note = problem_note(content)
    if note:
        pdf.ln(4)
        pdf.paragraph(note, 9.5, colour=_hex_rgb(STATUS_COLOURS["off_track"]))
    pdf.ln(4)
    pdf.paragraph(t("reports.title_note", content.lang), 9, colour=MUTED, height=4.5)


def _summary(pdf: ReportPDF) -> None:
    """The summary table: on the cover when the scope is small (a project), else on its own page."""
    content = pdf.content
    if len(content.statuses) > 12:
        pdf.add_page()
    else:
        pdf.ln(6)
    pdf.heading(t("reports.summary_heading", content.lang), 16)
    header, rows, codes = summary_table(content)
    years = len(header) - 4
    fixed = 18 + 20 + 36 + 20 * years
    widths = [PAGE_WIDTH - fixed, 18, 20] + [20] * years + [36]
    if not rows:
        pdf.paragraph(t("reports.nothing_in_scope", content.lang))
        return
    pdf.grid(
        header,
        rows,
        widths,
        codes,
        status_column=len(header) - 1,
        align=["LEFT", "RIGHT", "LEFT"] + ["RIGHT"] * years + ["LEFT"],
    )


def _changes(pdf: ReportPDF) -> None:
    content = pdf.content
    if content.previous is None:
        return
    pdf.ln(2)
    pdf.heading(changes_heading(content), 13)
    lines = change_lines(content)
    for line in lines or [t("reports.no_changes", content.lang)]:
        pdf.paragraph("• " + line, 9.5)
    pdf.ln(2)


def _metric_section(pdf: ReportPDF, item, images) -> None:
    """One metric: name, status, the explaining sentence, chart, targets, recent observations.

    The parts are measured first: a metric that would not fit on the rest of the page starts on
    a new one, so a chart is never separated from the sentence that explains it.
    """
    parts = _metric_parts(pdf, item, images)
    needed = sum(_part_height(pdf, part) for part in parts)
    if pdf.get_y() + needed > pdf.page_break_trigger and pdf.get_y() > pdf.t_margin + 25:
        pdf.add_page()
    for part in parts:
        _draw_part(pdf, part)


def _metric_parts(pdf: ReportPDF, item, images) -> list[tuple]:
    content = pdf.content
    lang = content.lang
    parts: list[tuple] = [("para", item.metric.display_name(lang), 12.5, True, INK, 6.5)]
    label = status_label(item.status, lang) + (f" ({t('status.stale', lang)})" if item.stale else "")
    parts.append(("para", label, 10.5, True, _hex_rgb(STATUS_COLOURS[item.status]), 5.5))
    parts.append(("para", explanation(item, lang), 10, False, INK, 5))
    forecast = forecast_sentence(item, lang)
    if forecast:
        parts.append(("para", forecast, 9.5, False, MUTED, 5))
    comment = content.comments.get(item.id)
    if comment:
        parts.append(("para", t("reports.board_comment", lang, comment=comment), 9.5, True, INK, 5))
    description = item.metric.display_description(lang)
    if description:
        parts.append(("para", description, 9, False, MUTED, 4.5))
    parts.append(("gap", 1))
    image = images.images.get(item.id)
    if image is not None:
        parts.append(("image", image, t("reports.chart_alt", lang, name=item.metric.display_name(lang))))
    else:
        parts.append(("para", t("reports.chart_missing", lang, reason=images.failure or "–"), 9, False, MUTED, 4.5))
    lines = target_lines(item, lang)
    if lines:
        parts.append(("para", t("reports.targets_heading", lang), 9.5, True, INK, 5))
        parts += [("para", "• " + line, 9, False, INK, 4.5) for line in lines]
    header, rows, total = observation_rows(content, item.id, OBS_ROWS)
    if rows and item.metric.kind_of.has_targets and content.spec.member_level:
        parts.append(("gap", 1))
        parts.append(("para", t("reports.observations_heading", lang, shown=len(rows), total=total), 9.5, True, INK, 5))
        parts.append(("table", header, rows))
    parts.append(("gap", 6))
    return parts


def _part_height(pdf: ReportPDF, part: tuple) -> float:
    kind = part[0]
    if kind == "gap":
        return part[1]
    if kind == "image":
        return PAGE_WIDTH * CHART_HEIGHT / CHART_WIDTH
    if kind == "table":
        return 4.6 * (len(part[2]) + 1) + 2
    _, text, size, bold, _colour, height = part
    # An estimate (a tenth of a dry-run multi_cell's cost): the width in lines, plus slack for wrapping.
    pdf.font(size, bold=bold)
    lines = math.ceil(pdf.get_string_width(pdf.clean(text)) * 1.08 / PAGE_WIDTH) or 1
    return lines * height


def _draw_part(pdf: ReportPDF, part: tuple) -> None:
    kind = part[0]
    if kind == "gap":
        pdf.ln(part[1])
    elif kind == "image":
        pdf.image(
            io.BytesIO(part[1]),
            x=pdf.l_margin,
            w=PAGE_WIDTH,
            h=PAGE_WIDTH * CHART_HEIGHT / CHART_WIDTH,
            alt_text=pdf.clean(part[2]),
        )
    elif kind == "table":
        pdf.font(8)
        heading = FontFace(emphasis="BOLD", fill_color=(234, 238, 242), color=INK)
        with pdf.table(
            col_widths=[24, 24, 92, 40],
            width=PAGE_WIDTH,
            align="LEFT",
            line_height=4.4,
            headings_style=heading,
            text_align=["LEFT", "RIGHT", "LEFT", "LEFT"],
            padding=0.8,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            for values in [part[1]] + part[2]:
                row = table.row()
                for text in values:
                    row.cell(pdf.clean(text))
    else:
        _, text, size, bold, colour, height = part
        pdf.paragraph(text, size, bold=bold, colour=colour, height=height)


def _method_and_sources(pdf: ReportPDF) -> None:
    content = pdf.content
    lang = content.lang
    pdf.add_page()
    pdf.heading(t("reports.method_heading", lang), 16)
    for line in method_lines(content.config, lang):
        pdf.paragraph(line, 9.5)
        pdf.ln(1)
    pdf.ln(4)
    pdf.heading(t("reports.sources_heading", lang), 14)
    header, rows = source_rows(content)
    if rows:
        pdf.grid(header, rows, [PAGE_WIDTH - 80, 30, 18, 32], size=8.5, align=["LEFT", "LEFT", "RIGHT", "LEFT"])
    else:
        pdf.paragraph(t("reports.no_sources", lang), 9.5)
    if content.pack is not None:
        pdf.paragraph(t("reports.sources_pack", lang), 9, colour=MUTED)
    if shows_map_credit(content):
        pdf.ln(3)
        pdf.paragraph(map_attribution(lang), 8.5, colour=MUTED, height=4.5)
