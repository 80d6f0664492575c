"""``kpi import`` (a CSV or XLSX file into a data file, through the store) and ``kpi hash-password``."""

from __future__ import annotations

import argparse
import csv
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from kpi import clock, paths
from kpi.cli.common import EXIT_DATA, EXIT_OK, add_common, iso_date, print_problems
from kpi.model.problems import Problem, UsageError
from kpi.model.registers import REGISTERS
from kpi.read.targets import load_config
from kpi.text.i18n import format_number, t
from kpi.write import auth, sources, upload
from kpi.write.files import parse_data_file
from kpi.write.imports import Preview, preview_upload
from kpi.write.store import HISTORY_DIR, KEEP_DAYS, KEEP_VERSIONS, prune_history, save_preview
from kpi.write.upload import megabytes

PROBLEMS_SHOWN = 200


def register(commands: Any) -> None:
    """``kpi import`` and ``kpi hash-password``."""
    command = commands.add_parser(
        "import",
        help="check a CSV/XLSX file and save it into a data file (backup, change log)",
        description="Read FILE (CSV or XLSX) with the project's rules, show every problem and the difference "
        "to the current file, then save it into the data folder: validated, atomic, with a backup "
        "in data/.history/ and a line in data/changelog.csv. Exit 0 saved (or dry run clean), "
        "1 refused, 2 usage.",
    )
    add_common(command)
    command.add_argument("file", metavar="FILE", help="the CSV or XLSX file to import")
    command.add_argument(
        "--into",
        default=None,
        metavar="TARGET",
        help=f"metrics/NAME.csv or one of: {', '.join(REGISTERS)} (not needed for an export a format "
        f"recognises: {', '.join(sources.FORMATS)})",
    )
    command.add_argument(
        "--start",
        type=float,
        default=None,
        metavar="N",
        help="daily-new exports (Meta, LinkedIn): the total on the day before the file's first day, "
        "when no earlier value is saved",
    )
    command.add_argument(
        "--date",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="Mailchimp: the day the export was made (default: today)",
    )
    command.add_argument(
        "--mode",
        choices=("merge", "replace"),
        default="merge",
        help="add new rows and update rows with the same key (default), or replace the whole file",
    )
    command.add_argument(
        "--allow-removals",
        action="store_true",
        help="with --mode replace: allow the save to remove rows that are not in FILE (refused otherwise)",
    )
    command.add_argument("--sheet", metavar="NAME", default=None, help="XLSX: the sheet to read (default: the first)")
    command.add_argument("--dry-run", action="store_true", help="check and show the difference, save nothing")
    command.add_argument("--comment", default="", metavar="TEXT", help="a comment for the change log")
    command.add_argument(
        "--editor", default=None, metavar="NAME", help="who is importing, for the change log (default: $USER)"
    )
    command.set_defaults(handler=cmd_import)

    history = commands.add_parser("history", help="the backups in data/.history/")
    history_commands = history.add_subparsers(dest="history_command", required=True, metavar="COMMAND")
    prune = history_commands.add_parser(
        "prune",
        help=f"remove old backups: keeps every version of the last {KEEP_DAYS} days and the last "
        f"{KEEP_VERSIONS} of each file, and what the next undo needs",
    )
    add_common(prune)
    prune.add_argument(
        "--days",
        type=int,
        default=KEEP_DAYS,
        metavar="N",
        help=f"keep every version of the last N days (default {KEEP_DAYS})",
    )
    prune.add_argument(
        "--keep",
        type=int,
        default=KEEP_VERSIONS,
        metavar="N",
        help=f"keep the last N versions of each file (default {KEEP_VERSIONS})",
    )
    prune.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
    prune.set_defaults(handler=cmd_history_prune)

    hasher = commands.add_parser("hash-password", help="print an editor_password_hash line for .streamlit/secrets.toml")
    add_common(hasher)
    hasher.set_defaults(handler=cmd_hash_password)


def cmd_import(args: argparse.Namespace) -> int:
    lang = args.lang
    target = None if args.into is None else parse_data_file(args.into)  # UsageError: exit 2
    source = Path(args.file)
    try:
        with source.open("rb") as stream:  # at most one byte over the limit, whatever the file is
            data = stream.read(upload.MAX_UPLOAD_BYTES + 1)
            size = os.fstat(stream.fileno()).st_size
    except FileNotFoundError:
        raise UsageError([Problem(args.file, "file_missing")]) from None
    except OSError as exc:
        raise UsageError(
            [Problem(args.file, "store_cli_unreadable", params={"detail": exc.strerror or str(exc)})]
        ) from None
    if len(data) > upload.MAX_UPLOAD_BYTES:
        print_problems(
            [
                Problem(
                    args.file,
                    "import_too_large",
                    params={"size": megabytes(max(size, len(data))), "limit": megabytes(upload.MAX_UPLOAD_BYTES)},
                )
            ],
            lang,
        )
        print(t("store.cli.refused", lang), file=sys.stderr)
        return EXIT_DATA
    data_dir = paths.data_dir(args.data)
    config = load_config(paths.targets_path(args.targets))
    today = clock.today()
    export = sources.preview_export(
        data_dir, config, data, args.file, today, sources.Options(start=args.start, date=args.date), target
    )
    if export is not None:
        found, recognised = export
        print(found.describe(lang))
        if recognised is None:
            print_problems(found.problems, lang)
            print(t("store.cli.refused", lang), file=sys.stderr)
            return EXIT_DATA
        preview = recognised
    elif target is None:
        raise UsageError(
            [
                Problem(
                    args.file,
                    "source_unknown",
                    params={"formats": ", ".join(f.title(lang) for f in sources.FORMATS.values())},
                )
            ]
        )
    else:
        preview = preview_upload(
            data_dir, config, target, data, args.file, sheet=args.sheet, mode=args.mode, label=args.file
        )
    if preview.sheet is not None and len(preview.sheets) > 1:  # which of several sheets was read
        print(t("sources.cli.sheet", lang, sheet=preview.sheet), file=sys.stderr)
    shown = preview.problems[:PROBLEMS_SHOWN]
    print_problems(shown, lang)
    if len(preview.problems) > len(shown):
        print(t("store.cli.more", lang, count=len(preview.problems) - len(shown)), file=sys.stderr)
    if preview.errors or preview.data is None or preview.diff is None:
        print(t("store.cli.refused", lang), file=sys.stderr)
        return EXIT_DATA
    added, changed, removed = preview.diff.counts
    print(
        t(
            "store.cli.diff",
            lang,
            file=preview.file.relpath,
            added=format_number(added, lang),
            changed=format_number(changed, lang),
            removed=format_number(removed, lang),
        )
    )
    if preview.unchanged:
        print(t("store.cli.unchanged", lang))
        return EXIT_OK
    if args.dry_run:
        print_rows(preview, lang)
        if preview.removals and not args.allow_removals:
            print(t("store.cli.removals_needed", lang, count=format_number(preview.removals, lang)))
        print(t("store.cli.dry_run", lang))
        return EXIT_OK
    if preview.removals and not args.allow_removals:
        # Said once by --mode replace; removing history needs saying twice.
        print_problems([Problem(preview.label, "store_removals_unconfirmed", params={"count": preview.removals})], lang)
        print(t("store.cli.refused", lang), file=sys.stderr)
        return EXIT_DATA
    editor = args.editor or os.environ.get("USER") or os.environ.get("USERNAME") or "cli"
    result = save_preview(
        data_dir, preview, editor=editor, comment=args.comment, config=config, allow_removals=args.allow_removals
    )
    if not result.saved:
        print_problems(result.problems, lang)
        print(t("store.cli.refused", lang), file=sys.stderr)
        return EXIT_DATA
    print(result.summary(lang))
    if result.history:
        print(t("store.cli.history", lang, path=f"{data_dir.name}/{result.history}"))
    return EXIT_OK


def print_rows(preview: Preview, lang: str) -> None:
    """The rows a save would add or change, as the file will hold them (``--dry-run``)."""
    table = preview.table
    if table is None:
        return
    print(t("sources.cli.rows", lang, file=preview.file.relpath))
    writer = csv.writer(sys.stdout, delimiter=table.delimiter, lineterminator="\n")
    writer.writerow(table.columns)
    for number, row in zip(table.row_numbers, table.rows):
        if table.fresh is None or number in table.fresh:
            writer.writerow(["" if cell is None else cell for cell in row])


def cmd_history_prune(args: argparse.Namespace) -> int:
    lang = args.lang
    if args.days < 0 or args.keep < 1:
        raise UsageError([Problem("--keep", "history_bad_limits")])
    data_dir = paths.data_dir(args.data)
    try:
        pruned = prune_history(data_dir, days=args.days, keep=args.keep, dry_run=args.dry_run)
    except OSError as exc:
        print_problems([Problem(HISTORY_DIR, "store_write_failed", params={"detail": exc.strerror or str(exc)})], lang)
        return EXIT_DATA
    for relpath in pruned.removed:
        print(relpath)
    key = "store.cli.prune_dry_run" if args.dry_run else "store.cli.pruned"
    print(
        t(
            key,
            lang,
            removed=format_number(len(pruned.removed), lang),
            kept=format_number(pruned.kept, lang),
            size=format_number(round(pruned.freed / 1024), lang),
        ),
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_hash_password(args: argparse.Namespace) -> int:
    lang = args.lang
    if sys.stdin.isatty():
        first = getpass.getpass(t("store.cli.hash_prompt", lang))
        second = getpass.getpass(t("store.cli.hash_again", lang))
        if first != second:
            print(t("store.cli.hash_mismatch", lang), file=sys.stderr)
            return EXIT_DATA
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    if not first:
        print(t("store.cli.hash_empty", lang), file=sys.stderr)
        return EXIT_DATA
    print(f'{auth.SECRET_HASH} = "{auth.hash_password(first)}"')
    print(t("store.cli.hash_done", lang), file=sys.stderr)
    return EXIT_OK
