"""``kpi report`` (PDF, Excel, CSV, HTML, Word, text, participant list) and ``kpi snapshot save|list`` (board packs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kpi import paths
from kpi.cli.common import EXIT_OK, EXIT_USAGE, add_common, exit_for, iso_date, open_dataset, print_problems
from kpi.model.problems import DataError
from kpi.report.build import render
from kpi.report.content import CSV_DIALECTS, SCOPE_ALL, ReportSpec, gather
from kpi.report.formats import FORMATS, report_format
from kpi.report.images import warm_up_renderer
from kpi.show.packs import list_packs, load_pack
from kpi.show.status import status_counts_text
from kpi.text.i18n import format_number, t
from kpi.write.atomic import atomic_write
from kpi.write.packs import save_pack


def register(commands: Any) -> None:
    """``kpi report`` and ``kpi snapshot save|list`` (board packs)."""
    report = commands.add_parser(
        "report", help="a report for funders or the board: pdf, xlsx, csv, html, docx, text or participants"
    )
    add_common(report)
    report.add_argument(
        "--format", dest="report_format", choices=FORMATS, default=None, help="default: from the --out file's extension"
    )
    report.add_argument("--out", required=True, metavar="FILE", help="where to write the report ('-' for stdout)")
    report.add_argument(
        "--as-of",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="judge every status at this date (default: the period's end, at most today)",
    )
    report.add_argument("--from", dest="period_from", type=iso_date, default=None, metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="period_to", type=iso_date, default=None, metavar="YYYY-MM-DD")
    report.add_argument(
        "--scope",
        default=SCOPE_ALL,
        help="all | the organisation's id (organisation.id in targets.yaml) | a project id | an area id (default: all)",
    )
    report.add_argument(
        "--pack",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="report the numbers frozen in the board pack of this meeting",
    )
    report.add_argument(
        "--comments",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include the board's comments and the changes since the last board pack "
        "(default: only in a report from --pack)",
    )
    report.add_argument(
        "--csv-dialect", choices=CSV_DIALECTS, default="default", help="excel-sv: ';', decimal comma, UTF-8 with BOM"
    )
    report.set_defaults(handler=cmd_report)

    snapshot = commands.add_parser(
        "snapshot", aliases=["board-pack"], help="board packs: save the status at a meeting, list saved packs"
    )
    add_common(snapshot)
    actions = snapshot.add_subparsers(dest="snapshot_command", required=True, metavar="ACTION")
    save = actions.add_parser("save", help="freeze every metric's status as of a meeting date")
    add_common(save)
    save.add_argument("--date", type=iso_date, required=True, metavar="YYYY-MM-DD")
    save.add_argument(
        "--comment",
        type=_comment_arg,
        action="append",
        default=[],
        metavar="METRIC_ID=TEXT",
        help="a comment on one metric (repeat for more)",
    )
    save.add_argument("--author", default="", metavar="NAME")
    save.add_argument("--replace", action="store_true", help="overwrite an existing pack for that date")
    save.set_defaults(handler=cmd_snapshot_save)
    listing = actions.add_parser("list", help="the saved packs, oldest first")
    add_common(listing)
    listing.set_defaults(handler=cmd_snapshot_list)


def _comment_arg(text: str) -> tuple[str, str]:
    metric_id, sep, comment = text.partition("=")
    if not sep or not metric_id.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not of the form metric_id=text")
    return metric_id.strip(), comment


def cmd_report(args: argparse.Namespace) -> int:
    fmt = args.report_format or Path(args.out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        print(t("reports.cli_no_format", args.lang, formats=", ".join(FORMATS)), file=sys.stderr)
        return EXIT_USAGE
    if report_format(fmt).draws_charts:
        warm_up_renderer()  # Chromium starts while the data loads
    dataset = open_dataset(args)
    spec = ReportSpec(
        fmt=fmt,
        as_of=args.as_of,
        period_from=args.period_from,
        period_to=args.period_to,
        scope=args.scope,
        lang=args.lang if getattr(args, "lang_chosen", True) else None,
        pack=args.pack,
        csv_dialect=args.csv_dialect,
        include_comments=args.comments,
        member_level=True,  # the command line is run by staff with the data folder at hand
    )
    content = gather(dataset, spec)  # UsageError (exit 2) for a period that ends before it starts
    data = render(content)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write(Path(args.out), data)
        print(
            t("reports.cli_written", args.lang, path=args.out, size=format_number(len(data) / 1024, args.lang, 0)),
            file=sys.stderr,
        )
    print_problems(dataset.problems, args.lang)
    return exit_for(dataset.problems)


def cmd_snapshot_save(args: argparse.Namespace) -> int:
    dataset = open_dataset(args)
    comments = dict(args.comment)
    path = save_pack(dataset, args.date, comments, args.author, replace=args.replace)
    print(t("reports.cli_pack_saved", args.lang, path=str(path)))
    return EXIT_OK


def cmd_snapshot_list(args: argparse.Namespace) -> int:
    packs = list_packs(paths.data_dir(args.data))
    if not packs:
        print(t("reports.cli_no_packs", args.lang))
    for info in packs:
        try:
            pack = load_pack(info.path)
        except DataError as exc:
            print(f"{info.meeting_date.isoformat()}  {exc.problems[0].format(args.lang)}")
            continue
        counts = status_counts_text(pack.statuses, args.lang)
        author = f"  ({pack.author})" if pack.author else ""
        print(
            f"{info.meeting_date.isoformat()}{author}  {counts}  "
            + t("reports.cli_comments", args.lang, count=len(pack.comments))
        )
    return EXIT_OK
