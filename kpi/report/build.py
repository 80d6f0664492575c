"""Make a report: gather its content, then lay it out as PDF, Excel, CSV or HTML.

:func:`build_report` is the one function under the CLI and the app's Rapporter page. The format
modules are imported only for the format asked for, so making a CSV never loads fpdf or kaleido.
"""

from __future__ import annotations

import datetime as dt

from kpi import clock
from kpi.model.dataset import Dataset
from kpi.report.content import SCOPE_ALL, ReportContent, ReportSpec, gather
from kpi.report.csv_table import render_csv


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
) -> bytes:
    """The report as bytes, in ``fmt`` (pdf, xlsx, csv, html): the one function under the CLI and the app."""
    spec = ReportSpec(
        fmt=fmt,
        as_of=as_of,
        period_from=period_from,
        period_to=period_to,
        scope=scope,
        lang=lang,
        pack=pack,
        csv_dialect=csv_dialect,
    )
    return render(gather(dataset, spec))


def render(content: ReportContent) -> bytes:
    fmt = content.spec.fmt
    if fmt == "csv":
        return render_csv(content)
    if fmt == "pdf":
        from kpi.report.pdf import render_pdf

        return render_pdf(content)
    if fmt == "xlsx":
        from kpi.report.xlsx import render_xlsx

        return render_xlsx(content)
    from kpi.report.html import render_html

    return render_html(content)


def file_name(spec: ReportSpec, organisation: str, made: dt.date | None = None) -> str:
    """``matkluster-kismet-2026-11-23.pdf``: whose report (``organisation``: the configuration's
    :meth:`~kpi.model.targets.Config.own_scope`), about what, and the date it reports on."""
    scope = "alla" if spec.scope == SCOPE_ALL else spec.scope
    stem = organisation if scope == organisation else f"{organisation}-{scope}"
    day = spec.pack or spec.as_of or made or clock.today()
    if spec.pack:
        stem += "-styrelsepaket" if spec.lang == "sv" else "-board-pack"
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)
    return f"{safe}-{day.isoformat()}.{spec.fmt}"
