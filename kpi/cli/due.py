"""``kpi due`` (what is due or overdue, whose it is and the export to fetch, as the Data page's
"Att uppdatera"), ``kpi remind`` (each owner one e-mail) and ``kpi send board-pack`` (the PDF to the board)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from kpi import clock, paths
from kpi.cli.common import EXIT_DATA, EXIT_OK, add_common, iso_date, open_dataset, print_problems
from kpi.model.access import AccessPolicy
from kpi.model.problems import DataError, Problem, UsageError
from kpi.read.access import load_access
from kpi.report.build import render
from kpi.report.content import ReportSpec, gather
from kpi.show.due import Due, due_items
from kpi.show.packs import list_packs
from kpi.text.i18n import format_date, t
from kpi.write import mail

APP_URL_ENV = "KPI_APP_URL"


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

    remind = commands.add_parser(
        "remind",
        help="e-mail each owner one message listing what is due (SMTP from KPI_SMTP_*)",
        description="Send each owner (an address, or the addresses of a role in access.yaml) one message "
        "listing the goals whose values are due, with a link to the Data page (KPI_APP_URL). Nothing is "
        "sent twice for the same item the same day. Exit 0 sent (or nothing due), 1 a send failed, "
        "2 e-mail not set up.",
    )
    add_common(remind)
    remind.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD", help="the day (default: today)")
    remind.add_argument("--dry-run", action="store_true", help="print the messages, send nothing")
    remind.set_defaults(handler=cmd_remind)

    send = commands.add_parser("send", help="e-mail material: the latest board pack's PDF to the board")
    what = send.add_subparsers(dest="send_what", required=True, metavar="WHAT")
    pack = what.add_parser(
        "board-pack",
        help="send the latest board pack as a PDF",
        description="Render the latest saved board pack (or --date) as a PDF and send it to a role's "
        "addresses in access.yaml (--to board) or to addresses. Not sent twice the same day. Exit 0 sent, "
        "1 a send failed or no pack, 2 e-mail not set up.",
    )
    add_common(pack)
    pack.add_argument("--to", required=True, metavar="ROLE|ADDRESS", help="a role of access.yaml, or an address")
    pack.add_argument("--date", type=iso_date, default=None, metavar="YYYY-MM-DD", help="the meeting (default: latest)")
    pack.set_defaults(handler=cmd_send_pack)


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


def recipients(owner: str | None, policy: AccessPolicy) -> list[str]:
    """An owner's addresses: the address itself, or a role's addresses (not its whole domains)."""
    if not owner:
        return []
    owner = owner.strip()
    if "@" in owner and not owner.startswith("@"):
        return [owner]
    entries = policy.roles.get(owner, [])  # type: ignore[call-overload]
    return [entry for entry in entries if not entry.startswith("@")]


def data_page_url() -> str:
    return os.environ.get(APP_URL_ENV, "http://localhost:8501").rstrip("/") + "/data"


def reminder(recipient: str, items: list[Due], lang: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = recipient
    message["Subject"] = t("remind.subject", lang, count=len(items))
    lines = [t("remind.intro", lang), "", *("- " + item.line(lang) for item in items), ""]
    lines.append(t("remind.link", lang, url=data_page_url()))
    message.set_content("\n".join(lines))
    return message


def cmd_remind(args: argparse.Namespace) -> int:
    lang = args.lang
    today = args.as_of or clock.today()
    dataset = open_dataset(args)
    data_dir = paths.data_dir(args.data)
    policy = load_access(paths.access_path(targets=paths.targets_path(args.targets)))
    settings = None if args.dry_run else mail.settings_from_env()  # UsageError (exit 2) when not set up
    by_recipient: dict[str, list[Due]] = {}
    for item in due_items(dataset, today):
        addresses = recipients(item.owner, policy)
        if not addresses:
            print(t("remind.no_owner", lang, name=item.metric.name.get(lang)), file=sys.stderr)
        for address in addresses:
            by_recipient.setdefault(address, []).append(item)
    failed = False
    day = today.isoformat()
    for address, items in by_recipient.items():
        fresh = [item for item in items if not mail.already_sent(data_dir, day, address, _key(item))]
        if not fresh:
            print(t("remind.already", lang, to=address))
            continue
        message = reminder(address, fresh, lang)
        if settings is None:
            print(message.as_string())
            continue
        if not _delivered(settings, message, lang, data_dir, day, address, [_key(item) for item in fresh]):
            failed = True
            continue
        print(t("remind.sent", lang, to=address, count=len(fresh)))
    return EXIT_DATA if failed else EXIT_OK


def _delivered(
    settings: mail.SmtpSettings,
    message: EmailMessage,
    lang: str,
    data_dir: Path,
    day: str,
    address: str,
    keys: list[str],
) -> bool:
    """Send one message; on success remember it as sent today (so it is never sent twice), on a
    refusal print the server's answer. The one send-and-remember step of remind and send."""
    try:
        mail.send(settings, message)
    except DataError as exc:
        print_problems(exc.problems, lang)
        return False
    mail.mark_sent(data_dir, day, address, keys)
    return True


def _key(item: Due) -> str:
    return f"due:{item.metric.id}:{item.period.isoformat()}"


def cmd_send_pack(args: argparse.Namespace) -> int:
    lang = args.lang
    data_dir = paths.data_dir(args.data)
    policy = load_access(paths.access_path(targets=paths.targets_path(args.targets)))
    settings = mail.settings_from_env()  # UsageError (exit 2) when not set up
    addresses = recipients(args.to, policy)
    if not addresses:
        raise UsageError([Problem("--to", "send_no_recipients", params={"to": args.to})])
    packs = [info for info in list_packs(data_dir) if args.date is None or info.meeting_date == args.date]
    if not packs:
        print_problems([Problem(str(data_dir), "send_no_pack")], lang)
        return EXIT_DATA
    meeting = packs[-1].meeting_date
    dataset = open_dataset(args)
    content = gather(dataset, ReportSpec(fmt="pdf", lang=lang, pack=meeting, include_comments=True))
    pdf = render(content)
    day, item = clock.today().isoformat(), f"pack:{meeting.isoformat()}"
    failed = False
    for address in addresses:
        if mail.already_sent(data_dir, day, address, item):
            print(t("remind.already", lang, to=address))
            continue
        message = EmailMessage()
        message["To"] = address
        message["Subject"] = t("send.pack_subject", lang, date=format_date(meeting, lang))
        message.set_content(t("send.pack_body", lang, date=format_date(meeting, lang)))
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"board-pack-{meeting}.pdf")
        if not _delivered(settings, message, lang, data_dir, day, address, [item]):
            failed = True
            continue
        print(t("send.pack_sent", lang, to=address, date=format_date(meeting, lang)))
    return EXIT_DATA if failed else EXIT_OK
