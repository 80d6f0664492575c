"""What every command shares: the exit codes, ``--data/--targets/--lang``, dates, problem output."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable
from typing import IO

from kpi import paths
from kpi.model.dataset import Dataset
from kpi.model.problems import Problem, errors
from kpi.read.load import load_dataset
from kpi.text.i18n import LANGUAGES

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def add_common(parser: argparse.ArgumentParser, suppress: bool = True) -> None:
    """``--data``, ``--targets`` and ``--lang``, accepted before or after the command's name."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--data", metavar="DIR", default=default, help=f"data folder (default: ${paths.DATA_ENV} or ./data)"
    )
    parser.add_argument(
        "--targets",
        metavar="FILE",
        default=default,
        help=f"targets file (default: ${paths.TARGETS_ENV} or ./targets.yaml)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS if suppress else None,
        help="language of messages and names (default: sv; a project's report: the funder's language)",
    )


def open_dataset(args: argparse.Namespace) -> Dataset:
    return load_dataset(paths.data_dir(args.data), paths.targets_path(args.targets))


def print_problems(problems: Iterable[Problem], lang: str, stream: IO[str] | None = None) -> None:
    stream = stream or sys.stderr
    for problem in problems:
        print(problem.format(lang), file=stream)


def exit_for(problems: Iterable[Problem]) -> int:
    """1 when any problem is an error (the output was still printed), else 0."""
    return EXIT_DATA if errors(problems) else EXIT_OK
