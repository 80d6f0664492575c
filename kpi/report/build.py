"""Make a report: gather its content, then lay it out as PDF, Excel, CSV or HTML.

:func:`build_report` is the one function under the CLI and the app's Rapporter page. The format
modules are imported only for the format asked for, so making a CSV never loads fpdf or kaleido.
"""

from __future__ import annotations

import datetime as dt

from kpi import clock
from kpi.model.dataset import Dataset
from kpi.report.content import SCOPE_ALL, ReportContent, ReportSpec, gather
from kpi.report.formats import report_format


def build_report(
    dataset: Dataset,
    *,
    fmt: str,
    as_of: dt.date | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    scope: str = SCOPE_ALL,
    lang: str = "sv",
    pack: dt.date | None = None,
    csv_dialect: str = "default",
    include_comments: bool | None = None,
    member_level: bool = True,
) -> bytes:
    """The report as bytes, in ``fmt`` (pdf, xlsx, csv, html): the one function under the CLI and the app.

    ``member_level`` defaults to everything here (the library's callers are staff tools); the
    public Reports page builds its :class:`ReportSpec` with aggregates only.
    """
    spec = ReportSpec(
        fmt=fmt,
        as_of=as_of,
        period_from=period_from,
        period_to=period_to,
        scope=scope,
        lang=lang,
        pack=pack,
        csv_dialect=csv_dialect,
        include_comments=include_comments,
        member_level=member_level,
    )
    return render(gather(dataset, spec))


def render(content: ReportContent) -> bytes:
    """The content laid out by its format's writer (:data:`kpi.report.formats.REPORT_FORMATS`)."""
    return report_format(content.spec.fmt).write(content)


def file_name(spec: ReportSpec, organisation: str, made: dt.date | None = None) -> str:
    """``matkluster-kismet-2023-01-01_2025-12-31.pdf``: whose report (``organisation``: the
    configuration's :meth:`~kpi.model.targets.Config.own_scope`), about what, and the period.

    ``spec`` is best the resolved one (:attr:`ReportContent.spec`), whose period is filled in; a
    report without a period start is named by its as-of date, one from a board pack by the
    meeting's date. The organisation's own scope is not repeated (``matkluster-2026-…``).
    """
    scope = "alla" if spec.scope == SCOPE_ALL else spec.scope
    stem = organisation if scope == organisation else f"{organisation}-{scope}"
    if spec.pack:
        stem += "-board-pack" if spec.lang == "en" else "-styrelsepaket"
        when = spec.pack.isoformat()
    else:
        end = spec.period_to or spec.as_of or made or clock.today()
        when = f"{spec.period_from.isoformat()}_{end.isoformat()}" if spec.period_from else end.isoformat()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)
    kind = report_format(spec.fmt)
    if kind.name == "participants":  # a participant list: named as such
        safe += "-" + ("participants" if spec.lang == "en" else "deltagare")
    return f"{safe}-{when}.{kind.extension}"
