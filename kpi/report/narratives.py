"""The funder's narrative sections: the texts a coordinator writes per project, reporting period
and section (a project's ``sections`` in targets.yaml, each with the form's character limit).

The texts are data: they live in the data folder's ``narratives.csv`` (a register) and are saved
through :func:`kpi.write.store.save_table`, so a save is checked, atomic, logged, kept in the
history and can be undone, like any other data file. A text over its section's limit is refused
with its count. They are shown as text, never as Markdown, and go into every report format and
the plain-text export ready to paste into the funder's web form.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from kpi.model.problems import Problem
from kpi.model.targets import Config, NarrativeSection, Project
from kpi.report.content import ReportContent
from kpi.text.i18n import format_number, t
from kpi.write import store
from kpi.write.imports import sha256_hex

FILE = "narratives.csv"
COLUMNS = ("project", "period", "section", "text")


def period_key(project: Project, start: dt.date | None, end: dt.date | None) -> str:
    """How the texts of a period are filed: the decision's report number ("3"), else the dates."""
    for item in project.reporting_periods:
        if (item.start, item.end) == (start, end):
            return str(item.number)
    return f"{start.isoformat() if start else ''}_{end.isoformat() if end else ''}"


def sections_for(project: Project, final: bool) -> list[NarrativeSection]:
    """The form's sections for a report: the final report's own ones only in the final report."""
    return [section for section in project.sections if final or not section.final]


def length(text: str) -> int:
    """Characters as the funders' web forms count them (line breaks as one)."""
    return len(text.replace("\r\n", "\n"))


def _read(data_dir: Path) -> tuple[bytes | None, list[dict[str, str]]]:
    path = Path(data_dir) / FILE
    if not path.is_file():
        return None, []
    raw = path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    return raw, [{column: row.get(column) or "" for column in COLUMNS} for row in reader]


def stored_texts(data_dir: Path, project_id: str, period: str) -> dict[str, str]:
    """The saved text of each section of one project's period."""
    _, rows = _read(data_dir)
    return {row["section"]: row["text"] for row in rows if (row["project"], row["period"]) == (project_id, period)}


@dataclass(frozen=True)
class SectionText:
    section: NarrativeSection
    text: str

    def name(self, lang: str) -> str:
        return self.section.name.get(lang)

    def count_line(self, lang: str) -> str:
        """ "1 234 / 3 000 tecken" (or without a limit "1 234 tecken")."""
        count = format_number(length(self.text), lang, 0)
        if self.section.limit is None:
            return t("funders.count", lang, count=count)
        return t("funders.count_limit", lang, count=count, limit=format_number(self.section.limit, lang, 0))


def report_sections(content: ReportContent) -> list[SectionText]:
    """The sections of the reported project's period with their texts (empty: no project)."""
    project = content.project
    if project is None or not project.sections:
        return []
    texts = stored_texts(
        content.data.data_dir, project.id, period_key(project, content.spec.period_from, content.spec.period_to)
    )
    return [SectionText(section, texts.get(section.id, "")) for section in sections_for(project, content.final)]


def save_text(
    data_dir: Path,
    config: Config,
    project_id: str,
    period: str,
    section_id: str,
    text: str,
    *,
    editor: str,
    today: dt.date | None = None,
) -> store.SaveResult | list[Problem]:
    """Save one section's text (empty: remove it) through the data store; a text over the
    section's limit is refused with its count (a list of problems, nothing written)."""
    project = config.project(project_id)
    section = next(item for item in project.sections if item.id == section_id)
    text = text.replace("\r\n", "\n").strip()
    if section.limit is not None and length(text) > section.limit:
        return [
            Problem(
                section.name.get("sv"),
                "funders_text_too_long",
                params={"count": length(text), "limit": section.limit, "section": section.name.get("sv")},
            )
        ]
    before, rows = _read(data_dir)
    key = (project_id, period, section_id)
    rows = [row for row in rows if (row["project"], row["period"], row["section"]) != key]
    if text:
        rows.append(dict(zip(COLUMNS, (*key, text))))
    rows.sort(key=lambda row: (row["project"], row["period"], row["section"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([[row[column] for column in COLUMNS] for row in rows])
    return store.save_table(
        data_dir,
        FILE,
        buffer.getvalue().encode("utf-8"),
        editor=editor,
        comment=f"{project_id} {period} {section_id}",
        expected_sha256=sha256_hex(before),
        config=config,
        today=today,
    )


def plain_text(content: ReportContent) -> str:
    """Every section of the form as plain text, ready to paste: the heading, the count against the
    limit, the text; then the indicators in words (what a web form asks for next)."""
    from kpi.report.indicators import indicator_rows

    lang = content.lang
    lines = [f"{content.title} – {content.scope_label}"]
    project = content.project
    if project is not None and project.reference:
        lines.append(f"{t('funders.fact_reference', lang)}: {project.reference}")
    from kpi.report.texts import period_text

    lines += [f"{t('reports.fact_period', lang)}: {period_text(content.spec, lang)}", ""]
    for item in report_sections(content):
        lines += [f"== {item.name(lang)} ({item.count_line(lang)}) ==", item.text or "–", ""]
    header, rows = indicator_rows(content)
    if rows:
        lines.append(f"== {t('funders.indicators_heading', lang)} ==")
        for row in rows:
            lines.append(f"{row[0]} {row[1]}: {header[2]} {row[2]}; {header[3]} {row[3]}; {header[4]} {row[4]}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_text(content: ReportContent) -> bytes:
    return plain_text(content).encode("utf-8")
