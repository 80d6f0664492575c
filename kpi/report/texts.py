"""Texts and tables the writers share (PDF, HTML, Excel): a value in its unit, the summary table, the
period in words, the title page's facts, targets and forecasts in sentences, observation and source
tables, the method, the changes since the last board pack.
"""

from __future__ import annotations

from kpi.judge.rules import MetricStatus
from kpi.model.problems import errors
from kpi.model.registers import REGISTERS
from kpi.model.targets import Config
from kpi.model.values import text_or_empty
from kpi.report.content import ReportContent, ReportSpec, number_text, value_text
from kpi.report.period import behind_most, milestone_summary_line, used_files
from kpi.show.changes import change_line
from kpi.show.method import method_intro, rule_items
from kpi.show.status import status_counts_text, status_label
from kpi.text.i18n import format_date, format_number, t

# --- texts and tables shared by the PDF and the HTML ------------------------------------------------


def target_years(statuses: list[MetricStatus]) -> list[int]:
    """The target years the summary shows as columns: the plan's years (at most three)."""
    years = sorted(
        {target.date.year for item in statuses if item.metric.kind_of.has_targets for target in item.targets}
    )
    if len(years) > 3:
        years = [years[0], years[-1]]
    return years


def summary_table(content: ReportContent) -> tuple[list[str], list[list[str]], list[str]]:
    """Header, rows and each row's status code: goal, value, date, one column per target year, status."""
    lang = content.lang
    years = target_years(content.statuses)
    header = [t("reports.col_goal", lang), t("reports.col_value", lang), t("reports.col_date", lang)]
    header += [t("reports.col_target_year", lang, year=year) for year in years]
    header += [t("reports.col_status", lang)]
    rows: list[list[str]] = []
    codes: list[str] = []
    for item in content.statuses:
        metric = item.metric
        row = [
            metric.display_name(lang),
            value_text(item, lang),
            format_date(item.done_date if metric.kind_of.done_or_not else item.value_date, lang, "iso")
            if (item.done_date or item.value_date)
            else "–",
        ]
        for year in years:
            if metric.kind_of.done_or_not:
                due = metric.due_date
                row.append(t("reports.due_short", lang, date=due.isoformat()) if due.year == year else "")
            else:
                target = item.target_for_year(year)
                row.append(number_text(metric, target.value, lang) if target else "")
        label = status_label(item.status, lang)
        if item.stale:
            label += f" ({t('status.stale', lang)})"
        row.append(label)
        rows.append(row)
        codes.append(item.status)
    return header, rows, codes


def period_text(spec: ReportSpec, lang: str) -> str:
    if spec.period_from is None:
        return t("reports.period_until", lang, to=format_date(spec.period_to, lang, "long"))
    return t(
        "reports.period_between",
        lang,
        start=format_date(spec.period_from, lang, "long"),
        end=format_date(spec.period_to, lang, "long"),
    )


def title_facts(content: ReportContent) -> list[tuple[str, str]]:
    """Label and value lines for the title page: scope, funder, period, as-of date, date made."""
    lang = content.lang
    facts = [(t("reports.fact_scope", lang), content.scope_label)]
    if content.funder:
        facts.append((t("reports.fact_funder", lang), content.funder))
    facts += project_facts(content)
    facts += [
        (t("reports.fact_period", lang), period_text(content.spec, lang)),
        (
            t("reports.fact_as_of", lang),
            f"{format_date(content.as_of, lang, 'long')} ({content.as_of.isoformat()})",
        ),
        (t("reports.fact_made", lang), f"{format_date(content.made.date(), lang, 'long')} {content.made:%H:%M}"),
    ]
    if content.pack is not None:
        facts.append(
            (
                t("reports.fact_pack", lang),
                t(
                    "reports.pack_note",
                    lang,
                    date=format_date(content.pack.meeting_date, lang, "long"),
                    created=content.pack.created.replace("T", " ")[:16],
                ),
            )
        )
    facts.append((t("reports.fact_goals", lang), status_counts_text(content.statuses, lang) or "–"))
    line = milestone_summary_line(content)
    if line:
        facts.append((t("period.fact_milestones", lang), line))
    behind = behind_most(content.statuses)
    if behind:
        facts.append(
            (
                t("period.fact_behind", lang),
                "; ".join(f"{item.metric.display_name(lang)} ({status_label(item.status, lang)})" for item in behind),
            )
        )
    return facts


def project_facts(content: ReportContent) -> list[tuple[str, str]]:
    """A project as its funder knows it: programme, reference, lead partner, partners, and which
    of the decision's reports this is ("3 av 6, ska in 2026-01-31")."""
    project, lang = content.project, content.lang
    if project is None:
        return []
    facts = []
    for key, value in (
        ("funders.fact_programme", project.programme),
        ("funders.fact_reference", project.reference),
        ("funders.fact_lead_partner", project.lead_partner),
        ("funders.fact_partners", ", ".join(project.partners)),
    ):
        if value:
            facts.append((t(key, lang), value))
    period = content.decision_period
    if period is not None:
        count = len(project.reporting_periods)
        text = (
            t("funders.report_number_due", lang, number=period.number, count=count, due=period.due.isoformat())
            if period.due
            else t("funders.report_number", lang, number=period.number, count=count)
        )
        facts.append((t("funders.fact_report", lang), text))
    return facts


def target_lines(status: MetricStatus, lang: str) -> list[str]:
    """Each target and whether it was met: "31 dec. 2026: 7 500 – ej passerat"."""
    metric = status.metric
    lines = []
    for target in status.targets:
        if metric.kind_of.done_or_not:
            goal = t("reports.due_short", lang, date=format_date(target.date, lang))
        else:
            goal = f"{format_date(target.date, lang)}: {number_text(metric, target.value, lang)}"
        if target.met is None:
            verdict = t("reports.target_pending", lang)
        elif target.met:
            verdict = t("reports.target_met", lang, value=number_text(metric, target.value_at_date, lang))
        else:
            verdict = t("reports.target_missed", lang, value=number_text(metric, target.value_at_date, lang))
        lines.append(f"{goal} – {verdict}")
    return lines


def forecast_sentence(status: MetricStatus, lang: str) -> str:
    """Where the trend leads and what is still needed per month (empty when reached or no data)."""
    metric = status.metric
    if metric.kind_of.done_or_not or status.status in ("reached", "no_data") or status.next_target is None:
        return ""
    parts = []
    if status.trend is not None:
        projected = status.trend.at(status.next_target.date)
        if metric.decimals is None:  # a projection is an estimate: no false precision
            projected = round(projected) if abs(projected) >= 100 else round(projected, 1)
        parts.append(
            t(
                "reports.trend_at",
                lang,
                date=format_date(status.next_target.date, lang),
                value=number_text(metric, projected, lang),
            )
        )
    if status.needed_per_month is not None:
        decimals = metric.decimals if metric.decimals is not None else (0 if abs(status.needed_per_month) >= 10 else 1)
        parts.append(t("reports.needed", lang, value=format_number(status.needed_per_month, lang, decimals)))
    return " ".join(parts)


def observation_rows(
    content: ReportContent, metric_id: str, limit: int | None = None
) -> tuple[list[str], list[list[str]], int]:
    """The newest observations in the period (date, value, note, source): header, rows, total count."""
    lang = content.lang
    metric = content.config.metric(metric_id)
    frame = content.observations(metric_id)
    header = [
        t("reports.col_date", lang),
        t("reports.col_value", lang),
        t("reports.col_note", lang),
        t("reports.col_source", lang),
    ]
    rows = []
    for record in frame.iloc[::-1].itertuples(index=False):
        rows.append(
            [
                record.date.isoformat(),
                number_text(metric, float(record.value), lang),
                text_or_empty(record.note),
                text_or_empty(record.source),
            ]
        )
    total = len(rows)
    return header, rows[:limit] if limit else rows, total


def method_lines(config: Config, lang: str) -> list[str]:
    """The method in short: the same words as the About page (:mod:`kpi.show.method`)."""
    return [
        method_intro(config, lang),
        *[f"{label}: {text}" for label, text in rule_items(config, lang)],
        t("dashboard.rule_year_to_date", lang),
        t("reports.method_more", lang),
    ]


def source_rows(content: ReportContent) -> tuple[list[str], list[list[str]]]:
    """The data this report's numbers come from (only what the scope uses), named for a reader
    ("Medlemsregistret", "Inmatade mätvärden: Kommunikation"), with rows and last change."""
    lang = content.lang
    header = [
        t("period.col_source_name", lang),
        t("reports.col_kind", lang),
        t("reports.col_rows", lang),
        t("reports.col_modified", lang),
    ]
    rows = []
    used = used_files(content)
    areas_in_file: dict[str, list[str]] = {}
    for item in content.statuses:
        frame = content.all_observations(item.id)
        if frame.empty:
            continue
        name = content.config.area_name(item.metric.area, lang)
        for label in {text_or_empty(value) for value in frame["file"]}:
            if label and name not in areas_in_file.setdefault(label, []):
                areas_in_file[label].append(name)
    for info in content.data.files:
        if info.label not in used:
            continue
        if info.kind == "metrics":
            name = t("period.source.metrics", lang, areas=", ".join(areas_in_file.get(info.label, [])) or "–")
            kind = t("reports.kind_metrics", lang)
        else:
            key = f"period.source.{info.kind}"
            title = REGISTERS[info.kind].title if info.kind in REGISTERS else None
            if info.kind in ("members", "agreements", "activities", "milestones"):
                name = t(key, lang)
            elif title is not None:  # a register that names itself ("Deltagarregistret")
                name = title.get(lang)[:1].upper() + title.get(lang)[1:]
            else:
                name = info.kind
            kind = t("period.source_register", lang)
        modified = f"{info.modified:%Y-%m-%d %H:%M}" if info.modified else "–"
        rows.append([name, kind, format_number(info.rows, lang), modified])
    return header, rows


def shows_map_credit(content: ReportContent) -> bool:
    """The map's credit belongs with the association's goals (the municipality map), not in a
    project's report."""
    return content.kind != "project"


def map_attribution(lang: str) -> str:
    """The credit the municipality map requires (SCB, CC BY 4.0), from kpi.show.maps when it is there."""
    try:
        from kpi.show import maps  # the registers feature owns the map and its attribution

        text = getattr(maps, "MAP_ATTRIBUTION", None)
    except Exception:  # noqa: BLE001 - a missing or broken map module must not stop a report
        text = None
    if isinstance(text, dict):
        text = text.get(lang) or text.get("sv")
    elif text is not None and not isinstance(text, str):
        text = getattr(text, lang, None) or getattr(text, "sv", None)
    return str(text) if text else t("reports.map_attribution", lang)


def change_lines(content: ReportContent) -> list[str]:
    return [change_line(change, content.lang) for change in content.changes]


def changes_heading(content: ReportContent) -> str:
    if content.previous is None:
        return ""
    return t(
        "reports.changes_heading", content.lang, date=format_date(content.previous.meeting_date, content.lang, "long")
    )


def problem_note(content: ReportContent) -> str:
    """A line when the data files had errors: the report is made, but the reader should know."""
    if content.pack is not None:
        return ""
    found = errors(content.data.problems)
    return t("reports.data_errors", content.lang, count=len(found)) if found else ""
