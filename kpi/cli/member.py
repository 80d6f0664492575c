"""``kpi member forget MEMBER_ID``: a former member's name out of every file (see kpi.write.forget).

Whoever runs the command line has the server's files, so this is the administrator's command;
in the app the same action needs the ``admin`` role.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from kpi import paths
from kpi.cli.common import EXIT_OK, add_common
from kpi.text.i18n import t
from kpi.write.forget import forget_member


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
    forget.add_argument("member_id", metavar="MEMBER_ID")
    forget.add_argument(
        "--editor", default=None, metavar="NAME", help="who is doing it, for the change log (default: $USER)"
    )
    forget.add_argument(
        "--dry-run", action="store_true", help="only list every place the name is written; change nothing"
    )
    forget.set_defaults(handler=cmd_forget)


def cmd_forget(args: argparse.Namespace) -> int:
    editor = args.editor or os.environ.get("USER") or os.environ.get("USERNAME") or "cli"
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
