"""``python -m kpi``: the same answers as the dashboard, for scripts and for people at a terminal.

Exit codes are a contract: 0 ok, 1 bad data or targets (messages on stderr, never a traceback),
2 usage error. Each sub-command is a small function over the library; nothing is computed here.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from typing import Callable, Sequence

from kpi import paths
from kpi.text.cells import neutralise
from kpi.text.i18n import LANGUAGES, format_date, format_number, normalise_language, t
from kpi.read.load import Dataset, load_dataset
from kpi.model.problems import DataError, Problem, errors, warnings
from kpi.judge.rules import MetricStatus, evaluate_all, status_label

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--data", metavar="DIR", default=default,
                        help=f"data folder (default: ${paths.DATA_ENV} or ./data)")
    parser.add_argument("--targets", metavar="FILE", default=default,
                        help=f"targets file (default: ${paths.TARGETS_ENV} or ./targets.yaml)")
    parser.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS if suppress else "sv",
                        help="language of messages and names (default: sv)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpi", description="Målbild: goals, data and status from the command line.")
    _common(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check targets.yaml and every data file")
    _common(validate, suppress=True)
    validate.set_defaults(handler=cmd_validate)

    status = commands.add_parser("status", help="the status of every metric at a date")
    _common(status, suppress=True)
    status.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD", help="default: today")
    status.add_argument("--format", choices=("table", "json", "csv"), default="table")
    status.set_defaults(handler=cmd_status)

    for register in EXTRA_COMMANDS:
        register(commands, _common)
    return parser


# Features add their sub-commands here (import, report, snapshot), each with its own module.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction, Callable], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code or 0)
    args.lang = normalise_language(getattr(args, "lang", "sv"))
    try:
        return args.handler(args)
    except DataError as exc:
        print_problems(exc.problems, args.lang)
        return EXIT_DATA
    except BrokenPipeError:
        return EXIT_OK


def open_dataset(args: argparse.Namespace) -> Dataset:
    return load_dataset(paths.data_dir(args.data), paths.targets_path(args.targets))


def print_problems(problems: list[Problem], lang: str, stream=None) -> None:
    stream = stream or sys.stderr
    for problem in problems:
        print(problem.format(lang), file=stream)


def cmd_validate(args: argparse.Namespace) -> int:
    dataset = open_dataset(args)
    print_problems(dataset.problems, args.lang)
    found_errors, found_warnings = errors(dataset.problems), warnings(dataset.problems)
    if dataset.problems:
        print(t("cli.summary", args.lang, errors=len(found_errors), warnings=len(found_warnings)), file=sys.stderr)
    else:
        print(t("cli.no_problems", args.lang, targets=paths.targets_path(args.targets).name,
                files=len(dataset.files)))
    return EXIT_DATA if found_errors else EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    dataset = open_dataset(args)
    as_of = args.as_of or dt.date.today()
    statuses = evaluate_all(dataset.config, dataset.series, as_of)
    if args.format == "json":
        json.dump([item.to_dict(args.lang) for item in statuses], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        write_status_csv(statuses, sys.stdout, args.lang)
    else:
        print(render_table(statuses, as_of, args.lang))
    print_problems(dataset.problems, args.lang)
    return EXIT_DATA if errors(dataset.problems) else EXIT_OK


def status_rows(statuses: list[MetricStatus], lang: str) -> tuple[list[str], list[list]]:
    """The flat status table (one row per metric) shared by the CSV output and the reports."""
    years = sorted({target.date.year for item in statuses for target in item.targets if item.metric.kind == "metric"})
    header = ["id", "name", "area", "kind", "unit", "value", "value_date", "status", "status_label", "pace",
              "expected", "stale", "next_target_date", "next_target_value", "eta", "needed_per_month",
              "due", "done_date"]
    for year in years:
        header += [f"target_{year}", f"met_{year}"]
    rows = []
    for item in statuses:
        data = item.to_dict(lang)
        row = [data["id"], data["name"], data["area"], data["kind"], data["unit"], data["value"], data["value_date"],
               data["status"], data["status_label"], data["pace"], data["expected"], data["stale"],
               (data["next_target"] or {}).get("date"), (data["next_target"] or {}).get("value"),
               data["eta"], data["needed_per_month"], data["due"], data["done_date"]]
        for year in years:
            target = item.target_for_year(year) if item.metric.kind == "metric" else None
            row += [target.value if target else None, target.met if target else None]
        rows.append(row)
    return header, rows


def write_status_csv(statuses: list[MetricStatus], stream, lang: str) -> None:
    header, rows = status_rows(statuses, lang)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise("" if cell is None else cell) for cell in row])


def render_table(statuses: list[MetricStatus], as_of: dt.date, lang: str) -> str:
    """An aligned table a person reads in a terminal: status in words, numbers in local format."""
    header = [t("cli.col.metric", lang), t("cli.col.value", lang), t("cli.col.date", lang),
              t("cli.col.status", lang), t("cli.col.pace", lang), t("cli.col.target_2026", lang),
              t("cli.col.target_2030", lang)]
    rows = []
    for item in statuses:
        metric = item.metric
        label = status_label(item.status, lang) + (f" ({t('status.stale', lang)})" if item.stale else "")
        if metric.kind == "milestone":
            value = t("cli.done", lang) if item.done_date else t("cli.not_done", lang)
            targets = [format_date(metric.due, lang, "iso") if metric.due.year == year else "" for year in (2026, 2030)]
        else:
            value = format_number(item.value, lang, metric.decimals)
            targets = []
            for year in (2026, 2030):
                target = item.target_for_year(year)
                targets.append(format_number(target.value, lang, metric.decimals) if target else "")
        name = metric.display_name(lang)
        name = name if len(name) <= 44 else name[:43] + "…"
        rows.append([name, value, format_date(item.value_date, lang, "iso") if item.value_date else "–", label,
                     format_number(item.pace, lang, 2) if item.pace is not None else "–", *targets])
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    right = {1, 4, 5, 6}
    def line(cells: list) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    out = [t("cli.as_of", lang, date=format_date(as_of, lang, "long")), "", line(header),
           "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out)

from kpi.write.store import register_cli as _store_commands  # noqa: E402  (import, hash-password)
EXTRA_COMMANDS.append(_store_commands)
from kpi.report.content import register_cli as _report_commands  # noqa: E402  (report, snapshot save|list)
EXTRA_COMMANDS.append(_report_commands)
