"""``kpi due``: what is due or overdue, whose it is and the export to fetch (as the Data page's
"Att uppdatera")."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kpi import clock
from kpi.cli.common import EXIT_OK, add_common, iso_date, open_dataset
from kpi.show.due import due_items
from kpi.text.i18n import t


def register(commands: Any) -> None:
    """``kpi due``."""
    due = commands.add_parser(
        "due",
        help="what is due or overdue: each goal's next value, its owner and the export to fetch",
        description="List every typed-in goal whose next value's period has ended (monthly: due by the 10th "
        "of the next month), with its owner (owner: in targets.yaml) and where to fetch the export. Exit 0.",
    )
    add_common(due)
    due.add_argument("--format", choices=("table", "json"), default="table")
    due.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD", help="the day (default: today)")
    due.set_defaults(handler=cmd_due)


def cmd_due(args: argparse.Namespace) -> int:
    lang = args.lang
    today = args.as_of or clock.today()
    items = due_items(open_dataset(args), today)
    if args.format == "json":
        json.dump([item.record(lang) for item in items], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return EXIT_OK
    print(t("due.title", lang))
    if not items:
        print(t("due.none", lang))
    for item in items:
        print("- " + item.line(lang))
    return EXIT_OK
