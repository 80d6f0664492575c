"""``kpi deploy``, ``kpi backup`` and ``kpi restore``: one host for many organisations (kpi.write.hosting).

``kpi deploy --orgs DIR --processes N --out DIR`` writes the nginx site, the systemd unit template,
one environment file per process, a compose.yaml and the landing page, and prints how to start
them. ``kpi backup --out DIR`` (with ``--orgs DIR`` for every organisation, or the usual
``--data``/``--targets`` for one) writes one dated, checksummed archive per organisation;
``kpi restore ARCHIVE --out DIR`` reads one back into an empty folder and checks that every goal's
status is what it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from kpi import clock, paths
from kpi.cli.common import EXIT_OK, add_common
from kpi.judge.rules import evaluate_all
from kpi.read.load import load_dataset
from kpi.text.i18n import t
from kpi.write import hosting


def register(commands: Any) -> None:
    deploy = commands.add_parser("deploy", help="write the files that serve many organisations behind nginx")
    add_common(deploy)
    deploy.add_argument(
        "--orgs", required=True, metavar="DIR", help="one folder per organisation (targets.yaml, data/)"
    )
    deploy.add_argument("--processes", type=int, default=2, metavar="N", help="Streamlit processes per organisation")
    deploy.add_argument("--out", required=True, metavar="DIR", help="where the files are written")
    deploy.add_argument("--first-port", type=int, default=hosting.FIRST_PORT, metavar="PORT")
    deploy.add_argument("--listen", default="80", metavar="[ADDRESS:]PORT", help="nginx's listen (default 80)")
    deploy.add_argument("--server-name", default="_", metavar="NAME")
    deploy.add_argument("--python", default=sys.executable, metavar="PATH", help="the virtualenv's python")
    deploy.add_argument("--user", default="malbild", metavar="USER", help="the system user the processes run as")
    deploy.set_defaults(handler=cmd_deploy)

    backup = commands.add_parser("backup", help="one dated, checksummed archive per organisation")
    add_common(backup)
    backup.add_argument("--orgs", default=None, metavar="DIR", help="every organisation in this folder")
    backup.add_argument("--out", required=True, metavar="DIR")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser("restore", help="read a backup into an empty folder and check its statuses")
    add_common(restore)
    restore.add_argument("archive", metavar="ARCHIVE")
    restore.add_argument("--out", required=True, metavar="DIR")
    restore.set_defaults(handler=cmd_restore)


def statuses(data: Path, targets: Path, day: dt.date) -> dict[str, str]:
    """Every goal's status on ``day``, by id: what a restore must give back."""
    dataset = load_dataset(data, targets)
    return {item.id: item.status for item in evaluate_all(dataset.config, dataset.series, day)}


def cmd_deploy(args: argparse.Namespace) -> int:
    organisations = hosting.find_organisations(Path(args.orgs))
    out = Path(args.out).resolve()
    files = hosting.deployment_files(
        organisations,
        out=out,
        per_organisation=args.processes,
        first_port=args.first_port,
        listen=args.listen,
        server_name=args.server_name,
        python=args.python,
        user=args.user,
    )
    hosting.write_deployment(out, files)
    print(t("hosting.deployed", args.lang, count=len(organisations), processes=args.processes, out=out))
    for organisation in organisations:
        print(f"  /{organisation.slug}/  {organisation.name}")
    print(t("hosting.start_how", args.lang, out=out))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    if args.orgs:
        folders = [organisation.folder for organisation in hosting.find_organisations(Path(args.orgs))]
    else:  # one organisation: the folder that holds its targets.yaml (its data folder beside it)
        folders = [paths.targets_path(args.targets).parent]
    for folder in folders:
        archive = hosting.backup_organisation(folder, Path(args.out), clock.today(), statuses)
        print(t("hosting.backed_up", args.lang, archive=archive, size=max(1, archive.stat().st_size // 1024)))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    manifest = hosting.restore_archive(Path(args.archive), Path(args.out), statuses)
    print(
        t(
            "hosting.restored",
            args.lang,
            out=Path(args.out).resolve(),
            files=len(manifest["files"]),
            goals=len(manifest["statuses"]),
            date=manifest["date"],
        )
    )
    return EXIT_OK
