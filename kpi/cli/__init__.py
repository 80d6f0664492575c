"""``kpi`` / ``python -m kpi``: the same answers as the dashboard, for scripts and for people at a terminal.

Exit codes are a contract: 0 ok, 1 bad data or targets (messages on stderr, never a traceback),
2 usage error. The library raises named exceptions (:mod:`kpi.model.problems`); :func:`main` is
the one place that turns them into messages and exit codes. Each command group has its own
module here, and nothing outside this package imports it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kpi.cli import data, due, hosting, member, reports, status
from kpi.cli.common import EXIT_DATA, EXIT_OK, EXIT_USAGE, add_common, print_problems
from kpi.model.problems import DataError, UsageError
from kpi.text.i18n import normalise_language

__all__ = ["EXIT_DATA", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

COMMAND_GROUPS = (status, data, reports, member, due, hosting)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi", description="Målbild: goals, data and status from the command line.")
    add_common(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every library exception becomes its message and exit code here."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code or 0)
    # Whether --lang was given: a project's report is otherwise in the funder's language.
    args.lang_chosen = getattr(args, "lang", None) is not None
    args.lang = normalise_language(getattr(args, "lang", None))
    try:
        return int(args.handler(args))
    except UsageError as exc:
        print_problems(exc.problems, args.lang)
        return EXIT_USAGE
    except DataError as exc:
        print_problems(exc.problems, args.lang)
        return EXIT_DATA
    except BrokenPipeError:
        return EXIT_OK
