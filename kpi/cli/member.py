"""``kpi member forget MEMBER_ID``: a former member's name out of every file (see kpi.write.forget);
``kpi member forget --expired [--yes]``: every former member past the retention period;
``kpi member export MEMBER_ID --out FILE``: everything the data folder holds about one member.

Whoever runs the command line has the server's files, so this is the administrator's command;
in the app the same action needs the ``admin`` role.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from kpi import paths
from kpi.cli.common import EXIT_OK, add_common
from kpi.model.problems import Problem, UsageError
from kpi.read.access import load_access
from kpi.text.i18n import t
from kpi.write.forget import forget_member
from kpi.write.rights import expired_members, export_member


def register(commands: Any) -> None:
    member = commands.add_parser("member", help="personal data in the member register")
    add_common(member)
    actions = member.add_subparsers(dest="member_command", required=True, metavar="ACTION")
    forget = actions.add_parser(
        "forget",
        help="replace a former member's name by a pseudonym in every file under the data folder",
        description="Replaces the name of a member who has left with 'Anonymiserad medlem ID' in the register, "
        "its backups in .history/, board packs, notes and the change log's comments; counts and statuses do "
        "not change and undo keeps working. The change log records that it was done, not whom.",
    )
    add_common(forget)
    forget.add_argument("member_id", metavar="MEMBER_ID", nargs="?")
    forget.add_argument(
        "--expired",
        action="store_true",
        help="every former member whose retention period (access.yaml: retention_years, default 2) has "
        "run out: lists who and where; with --yes forgets them",
    )
    forget.add_argument("--yes", action="store_true", help="with --expired: do it (without: only list)")
    forget.add_argument(
        "--editor", default=None, metavar="NAME", help="who is doing it, for the change log (default: $USER)"
    )
    forget.add_argument(
        "--dry-run", action="store_true", help="only list every place the name is written; change nothing"
    )
    forget.set_defaults(handler=cmd_forget)
    export = actions.add_parser(
        "export",
        help="everything the data folder holds about one member, as JSON and a text summary (registerutdrag)",
    )
    add_common(export)
    export.add_argument("member_id", metavar="MEMBER_ID")
    export.add_argument("--out", required=True, metavar="FILE", help="the JSON file (the summary: FILE with .txt)")
    export.add_argument("--editor", default=None, metavar="NAME", help="who is doing it, for the change log")
    export.set_defaults(handler=cmd_export)


def _editor(args: argparse.Namespace) -> str:
    return args.editor or os.environ.get("USER") or os.environ.get("USERNAME") or "cli"


def cmd_export(args: argparse.Namespace) -> int:
    done = export_member(paths.data_dir(args.data), args.member_id.strip(), Path(args.out), editor=_editor(args))
    print(
        t(
            "privacy.cli.exported",
            args.lang,
            member=done.member_id,
            rows=done.rows,
            mentions=done.mentions,
            json=str(done.json_path),
            text=str(done.text_path),
        )
    )
    return EXIT_OK


def cmd_expired(args: argparse.Namespace, editor: str) -> int:
    data_dir = paths.data_dir(args.data)
    years = load_access(paths.access_path(targets=paths.targets_path(args.targets))).retention_years
    found = expired_members(data_dir, years)
    for member in found:
        print(t("privacy.cli.expired", args.lang, member=member.member_id, left=member.left.isoformat(), years=years))
        for trace in member.traces:
            print(f"  {trace.file}:{trace.line}: {trace.text}")
    if not found:
        print(t("privacy.cli.none_expired", args.lang, years=years))
        return EXIT_OK
    if not args.yes:
        print(t("privacy.cli.expired_dry_run", args.lang, count=len(found)))
        return EXIT_OK
    for member in found:
        result = forget_member(data_dir, member.member_id, editor=editor)
        print(
            t(
                "access.cli.forgotten",
                args.lang,
                member=result.member_id,
                pseudonym=result.pseudonym,
                files=len(result.files),
            )
        )
    return EXIT_OK


def cmd_forget(args: argparse.Namespace) -> int:
    editor = _editor(args)
    if args.expired == bool(args.member_id):
        raise UsageError([Problem("kpi member forget", "privacy.forget_which")])
    if args.expired:
        return cmd_expired(args, editor)
    data_dir, member_id = paths.data_dir(args.data), args.member_id.strip()
    listed = forget_member(data_dir, member_id, editor=editor, dry_run=True)
    for trace in listed.traces:  # every match, before anything is replaced
        print(f"{trace.file}:{trace.line}: {trace.text}")
    if args.dry_run:
        print(t("privacy.cli.would_forget", args.lang, member=member_id, places=len(listed.traces)))
        return EXIT_OK
    result = forget_member(data_dir, member_id, editor=editor)
    key = "access.cli.forgotten" if result.files else "access.cli.nothing_to_forget"
    print(t(key, args.lang, member=result.member_id, pseudonym=result.pseudonym, files=len(result.files)))
    return EXIT_OK
