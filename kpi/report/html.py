"""The HTML report: one self-contained file to email, view offline and print.

Styles are inline, charts are SVG images embedded as ``data:`` URIs, and a Content-Security-
Policy forbids loading anything from anywhere, so the file shows the same on a laptop without a
network as in a browser that blocks remote content. Every text from the data (names, notes,
comments) is HTML-escaped. Print styles keep each metric on one page where it fits.
"""

from __future__ import annotations

import base64
from html import escape

from kpi.judge.explain import explanation
from kpi.report.content import ReportContent, report_state_text
from kpi.report.images import chart_images, timeline_key
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
from kpi.show.status import STATUS_COLOURS, status_label, tint
from kpi.text.i18n import t

OBS_ROWS = 12
_CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Source Sans Pro", Arial, sans-serif; color: #1f2328; margin: 0 auto;
       max-width: 1000px; padding: 24px; line-height: 1.45; }
h1 { font-size: 2em; margin: .2em 0; } h2 { margin-top: 1.6em; border-bottom: 2px solid #d0d7de; }
h3 { margin: 1.2em 0 .2em; } .muted { color: #57606a; } .org { font-size: 1.2em; color: #57606a; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-size: .92em; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eaeef2; } td.num { text-align: right; white-space: nowrap; }
.status { display: inline-block; border-left: 6px solid; padding: 1px 8px; border-radius: 3px;
          font-weight: 600; white-space: nowrap; }
.metric { page-break-inside: avoid; break-inside: avoid; margin-bottom: 2em; }
img.timeline { width: 100%; height: auto; }
.metric img { width: 100%; height: auto; border: 1px solid #eaeef2; }
.facts th { width: 14em; background: none; } .note { border-left: 4px solid #bf8700; padding: 4px 10px; background: #fff8c5; }
.comment { font-weight: 600; }
footer { margin-top: 3em; font-size: .85em; color: #57606a; }
@media print { body { max-width: none; padding: 0; } h2 { page-break-before: always; break-before: page; }
               h2.first { page-break-before: avoid; break-before: avoid; } @page { size: A4; margin: 15mm; } }
"""
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def render_html(content: ReportContent) -> bytes:
    lang = content.lang
    images = chart_images(content, "svg")
    out: list[str] = []
    add = out.append
    title = f"{content.organisation}: {content.title} – {content.scope_label}"
    add(
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
    )
    add(
        f'<header>\n<div class="org">{escape(content.organisation)}</div>\n<h1>{escape(content.title)}</h1>\n'
        f'<p><strong>{escape(content.scope_label)}</strong></p>\n<table class="facts">\n'
    )
    for label, value in title_facts(content):
        add(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>\n")
    add("</table>\n")
    note = problem_note(content)
    if note:
        add(f'<p class="note">{escape(note)}</p>\n')
    add("</header>\n")

    header, rows, codes = summary_table(content)
    add(f'<h2 class="first">{escape(t("reports.summary_heading", lang))}</h2>\n')
    add(_table(header, rows, codes, status_column=len(header) - 1, numeric={1} | set(range(3, len(header) - 1))))
    if content.previous is not None:
        add(f"<h3>{escape(changes_heading(content))}</h3>\n<ul>\n")
        for line in change_lines(content) or [t("reports.no_changes", lang)]:
            add(f"<li>{escape(line)}</li>\n")
        add("</ul>\n")

    sections = report_sections(content)
    if any(written.text for written in sections):
        add(f"<h2>{escape(t('funders.sections_heading', lang))}</h2>\n")
        for written in sections:
            # Plain text in paragraphs, escaped: a narrative is never rendered as markup.
            add(f"<h3>{escape(written.name(lang))}</h3>\n")
            for paragraph in (written.text or "–").split("\n"):
                add(f"<p>{escape(paragraph)}</p>\n")
    header, rows = indicator_rows(content)
    if rows:
        add(f"<h2>{escape(t('funders.indicators_heading', lang))}</h2>\n")
        add(_table(header, rows, numeric={2, 3, 4}))
        for result in indicator_results(content):
            name = t("funders.evidence_heading", lang, code=result.indicator.code, name=result.indicator.name.get(lang))
            add(f"<h3>{escape(name)}</h3>\n<ul>\n")
            for evidence in evidence_lines(result, lang):
                add(f"<li>{escape(evidence)}</li>\n")
            add("</ul>\n")

    if content.spec.period_from is not None:
        header, rows = period_value_rows(content)
        if rows:
            add(f"<h3>{escape(t('period.values_heading', lang))}</h3>\n")
            add(_table(header, rows, numeric={1, 2, 3}))
    line, header, rows = activity_summary(content)
    if line:
        add(f"<h3>{escape(t('period.activities_heading', lang))}</h3>\n<p>{escape(line)}</p>\n")
        add(_table(header, rows, numeric={3}))
        for text in participant_lines(content):
            add(f"<p>{escape(text)}</p>\n")

    if content.kind == "project":
        for section in content.package_sections():
            add(f"<h2>{escape(t('period.package_heading', lang, name=section.name))}</h2>\n")
            if section.milestones:
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
                add(_table(header, rows, [item.status for item in section.milestones], status_column=3))
                image = images.images.get(timeline_key(section))
                if image is not None:
                    data = base64.b64encode(image).decode("ascii")
                    alt = escape(t("period.timeline_alt", lang, name=section.name))
                    add(f'<img class="timeline" alt="{alt}" src="data:image/svg+xml;base64,{data}">\n')
                notes = milestone_notes(content)
                for item in section.milestones:
                    evidence, deviation = notes.get(item.id, ("", ""))
                    for key, note in (("funders.evidence_note", evidence), ("funders.deviation_note", deviation)):
                        if note:
                            text = f"{item.metric.display_name(lang)}: " + t(key, lang, text=note)
                            add(f"<p>{escape(text)}</p>\n")
                    comment = content.comments.get(item.id)
                    if comment:
                        text = f"{item.metric.display_name(lang)}: " + t("reports.board_comment", lang, comment=comment)
                        add(f'<p class="comment">{escape(text)}</p>\n')
            else:
                add(f'<p class="muted">{escape(t("period.package_no_milestones", lang))}</p>\n')
            for item in section.metrics:
                add(_metric(content, item, images))
    else:
        for _area_id, area_name, members in content.groups():
            add(f"<h2>{escape(area_name)}</h2>\n")
            for item in members:
                add(_metric(content, item, images))

    add(f"<h2>{escape(t('reports.method_heading', lang))}</h2>\n<ul>\n")
    for line in method_lines(content.config, lang):
        add(f"<li>{escape(line)}</li>\n")
    add("</ul>\n")
    add(f"<h3>{escape(t('reports.sources_heading', lang))}</h3>\n")
    header, rows = source_rows(content)
    add(_table(header, rows, numeric={2}) if rows else f"<p>{escape(t('reports.no_sources', lang))}</p>\n")
    if content.pack is not None:
        add(f'<p class="muted">{escape(t("reports.sources_pack", lang))}</p>\n')
    credit = f"<p>{escape(map_attribution(lang))}</p>\n" if shows_map_credit(content) else ""
    add(f"<footer>{credit}<p>{escape(t('reports.made_with', lang))}</p></footer>\n")
    add("</body>\n</html>\n")
    return "".join(out).encode("utf-8")


def _badge(status: str, lang: str, suffix: str = "") -> str:
    colour = STATUS_COLOURS[status]
    return (
        f'<span class="status" style="border-color:{colour};background:{tint(colour)}">'
        f"{escape(status_label(status, lang) + suffix)}</span>"
    )


def _table(
    header: list[str],
    rows: list[list[str]],
    codes: list[str] | None = None,
    status_column: int | None = None,
    numeric: set[int] | None = None,
) -> str:
    numeric = numeric or set()
    parts = ["<table>\n<thead><tr>", *(f"<th>{escape(text)}</th>" for text in header), "</tr></thead>\n<tbody>\n"]
    for index, row in enumerate(rows):
        parts.append("<tr>")
        for column, text in enumerate(row):
            if codes is not None and column == status_column:
                colour = STATUS_COLOURS[codes[index]]
                parts.append(
                    f'<td><span class="status" style="border-color:{colour};background:{tint(colour)}">'
                    f"{escape(text)}</span></td>"
                )
            else:
                css = ' class="num"' if column in numeric else ""
                parts.append(f"<td{css}>{escape(text)}</td>")
        parts.append("</tr>\n")
    parts.append("</tbody>\n</table>\n")
    return "".join(parts)


def _metric(content: ReportContent, item, images) -> str:
    lang = content.lang
    metric = item.metric
    name = metric.display_name(lang)
    stale = f" ({t('status.stale', lang)})" if item.stale else ""
    parts = [
        f'<section class="metric" id="metric-{escape(metric.id)}">\n<h3>{escape(name)}</h3>\n',
        f"<p>{_badge(item.status, lang, stale)}</p>\n",
        f"<p>{escape(explanation(item, lang))}</p>\n",
    ]
    forecast = forecast_sentence(item, lang)
    if forecast:
        parts.append(f'<p class="muted">{escape(forecast)}</p>\n')
    comment = content.comments.get(item.id)
    if comment:
        parts.append(f'<p class="comment">{escape(t("reports.board_comment", lang, comment=comment))}</p>\n')
    description = metric.display_description(lang)
    if description:
        parts.append(f'<p class="muted">{escape(description)}</p>\n')
    image = images.images.get(item.id)
    if image is not None:
        data = base64.b64encode(image).decode("ascii")
        parts.append(
            f'<img alt="{escape(t("reports.chart_alt", lang, name=name))}" src="data:image/svg+xml;base64,{data}">\n'
        )
    else:
        parts.append(f'<p class="muted">{escape(t("reports.chart_missing", lang, reason=images.failure or "–"))}</p>\n')
    lines = target_lines(item, lang)
    if lines:
        parts.append(f"<p><strong>{escape(t('reports.targets_heading', lang))}</strong></p>\n<ul>\n")
        parts += [f"<li>{escape(line)}</li>\n" for line in lines]
        parts.append("</ul>\n")
    header, rows, total = observation_rows(content, metric.id, OBS_ROWS)
    if rows and metric.kind_of.has_targets and content.spec.member_level:
        parts.append(
            f"<p><strong>{escape(t('reports.observations_heading', lang, shown=len(rows), total=total))}</strong></p>\n"
        )
        parts.append(_table(header, rows, numeric={1}))
    parts.append("</section>\n")
    return "".join(parts)
