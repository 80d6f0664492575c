"""``kpi validate`` and ``kpi status``: check every file; every goal's status at a date."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from typing import IO, Any

from kpi import clock, paths
from kpi.cli.common import EXIT_DATA, EXIT_OK, add_common, exit_for, iso_date, open_dataset, print_problems
from kpi.judge.explain import status_record
from kpi.judge.rules import MetricStatus, evaluate_all
from kpi.model.problems import DataError, errors, warnings
from kpi.read.access import load_access
from kpi.show.status import status_label, status_table
from kpi.text.cells import neutralise
from kpi.text.i18n import format_date, format_number, t


def register(commands: Any) -> None:
    validate = commands.add_parser("validate", help="check targets.yaml and every data file")
    add_common(validate)
    validate.set_defaults(handler=cmd_validate)

    status = commands.add_parser("status", help="the status of every metric at a date")
    add_common(status)
    status.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD", help="default: today")
    status.add_argument("--format", choices=("table", "json", "csv"), default="table")
    status.set_defaults(handler=cmd_status)


def cmd_validate(args: argparse.Namespace) -> int:
    dataset = open_dataset(args)
    problems = list(dataset.problems)
    try:  # access.yaml too: a typo there must be found before it hides (or shows) member data
        load_access(paths.access_path(targets=paths.targets_path(args.targets)))
    except DataError as exc:
        problems += exc.problems
    print_problems(problems, args.lang)
    found_errors, found_warnings = errors(problems), warnings(problems)
    if problems:
        print(t("cli.summary", args.lang, errors=len(found_errors), warnings=len(found_warnings)), file=sys.stderr)
    else:
        print(t("cli.no_problems", args.lang, targets=paths.targets_path(args.targets).name, files=len(dataset.files)))
    return EXIT_DATA if found_errors else EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    dataset = open_dataset(args)
    as_of = args.as_of or clock.today()
    statuses = evaluate_all(dataset.config, dataset.series, as_of)
    if args.format == "json":
        json.dump([status_record(item, args.lang) for item in statuses], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        write_status_csv(statuses, sys.stdout, args.lang)
    else:
        print(render_table(statuses, as_of, args.lang, dataset.config.horizon_years()))
    print_problems(dataset.problems, args.lang)
    return exit_for(dataset.problems)


def write_status_csv(statuses: list[MetricStatus], stream: IO[str], lang: str) -> None:
    header, rows = status_table(statuses, lang)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise("" if cell is None else cell) for cell in row])


def render_table(statuses: list[MetricStatus], as_of: dt.date, lang: str, horizons: list[int]) -> str:
    """An aligned table a person reads in a terminal: status in words, numbers in local format,
    one target column per horizon of the plan (``horizons:`` in targets.yaml, else its target years)."""
    header = [
        t("cli.col.metric", lang),
        t("cli.col.value", lang),
        t("cli.col.date", lang),
        t("cli.col.status", lang),
        t("cli.col.pace", lang),
    ]
    header += [t("cli.col.target_year", lang, year=year) for year in horizons]
    rows = []
    for item in statuses:
        metric = item.metric
        label = status_label(item.status, lang) + (f" ({t('status.stale', lang)})" if item.stale else "")
        if metric.kind_of.done_or_not:
            value = t("cli.done", lang) if item.done_date else t("cli.not_done", lang)
            due = metric.due
            targets = [
                format_date(due, lang, "iso") if due is not None and due.year == year else "" for year in horizons
            ]
        else:
            value = format_number(item.value, lang, metric.decimals)
            targets = []
            for year in horizons:
                target = item.target_for_year(year)
                targets.append(format_number(target.value, lang, metric.decimals) if target else "")
        name = metric.display_name(lang)
        name = name if len(name) <= 44 else name[:43] + "…"
        rows.append(
            [
                name,
                value,
                format_date(item.value_date, lang, "iso") if item.value_date else "–",
                label,
                format_number(item.pace, lang, 2) if item.pace is not None else "–",
                *targets,
            ]
        )
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    right = {1, 4} | set(range(5, len(header)))

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    out = [
        t("cli.as_of", lang, date=format_date(as_of, lang, "long")),
        "",
        line(header),
        "  ".join("-" * w for w in widths),
    ]
    out += [line(row) for row in rows]
    return "\n".join(out)
