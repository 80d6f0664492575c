"""One deployment for many organisations: the files that run them behind nginx, and their backups.

A host keeps one folder per organisation under one folder of organisations::

    orgs/
      matkluster/       targets.yaml, access.yaml (optional), data/
      matkooperativ/    targets.yaml, data/

Each organisation is served at its own path (``/matkluster/``) by ``--processes`` Streamlit
processes of its own (one process runs its sessions one at a time under the GIL, so a second
process per organisation uses the host's second core). nginx balances an organisation's processes
with sticky sessions (a viewer's websocket stays with the process that holds its session) and
serves a landing page at ``/`` listing the organisations whose ``access.yaml`` lets the public see
their aggregates. Access stays per organisation: each process reads only its own ``access.yaml``.

:func:`deployment_files` returns the nginx site, one systemd unit template (instantiated once per
process), a ``compose.yaml`` and the landing page, as text; :func:`write_deployment` writes them
atomically. Every name that reaches a configuration file is checked to be a plain slug or a path
without characters nginx or systemd would read as syntax, so a folder name cannot inject config.

Backups (:func:`backup_organisation`, :func:`restore_archive`) are one dated, checksummed
``.tar.gz`` per organisation: its data folder (board packs and the change log included),
targets.yaml and access.yaml, with a manifest of every file's sha256 and of every goal's status,
so a restore into an empty folder proves the statuses are identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from secrets import token_urlsafe

import jinja2
import yaml

from kpi import paths
from kpi.model.problems import DataError, Problem
from kpi.read.targets import load_config
from kpi.write.atomic import atomic_write

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# A path that nginx, systemd and YAML all read as one plain word (no spaces, quotes, ; { } $ or %).
SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/@+-]*$")
FIRST_PORT = 8601
ARCHIVE_FORMAT = "malbild-backup"
MANIFEST = "MANIFEST.json"


@dataclass(frozen=True)
class HostedOrganisation:
    """One organisation of a deployment: where its files are and what the public may see."""

    slug: str  # the folder's name and the URL path: /<slug>/
    name: str  # from targets.yaml's organisation.name
    folder: Path
    public: bool  # access.yaml's ``public: aggregates`` (the default): listed on the landing page

    @property
    def targets(self) -> Path:
        return self.folder / "targets.yaml"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def access(self) -> Path:
        return self.folder / "access.yaml"


def find_organisations(orgs_dir: Path) -> list[HostedOrganisation]:
    """Every folder of ``orgs_dir`` that holds a targets.yaml, by slug; DataError names what is wrong."""
    orgs_dir = Path(orgs_dir)
    problems: list[Problem] = []
    found: list[HostedOrganisation] = []
    if not orgs_dir.is_dir():
        raise DataError([Problem(str(orgs_dir), "hosting_no_folder")])
    for folder in sorted(path for path in orgs_dir.iterdir() if path.is_dir() and not path.name.startswith(".")):
        if not (folder / "targets.yaml").is_file():
            continue
        if not SLUG.match(folder.name):
            problems.append(Problem(folder.name, "hosting_bad_slug", params={"name": folder.name[:60]}))
            continue
        config = load_config(folder / "targets.yaml")  # a broken targets.yaml is named with its line
        public = True
        if (folder / "access.yaml").is_file():
            access = yaml.safe_load((folder / "access.yaml").read_text(encoding="utf-8")) or {}
            public = str(access.get("public", "aggregates")) == "aggregates"
        name = config.organisation.name if config.organisation else folder.name
        found.append(HostedOrganisation(folder.name, name, folder.resolve(), public))
    if problems:
        raise DataError(problems)
    if not found:
        raise DataError([Problem(str(orgs_dir), "hosting_no_organisations")])
    return found


def _checked_path(path: Path) -> str:
    text = str(Path(path).resolve())
    if not SAFE_PATH.match(text):
        raise DataError([Problem(text[:80], "hosting_unsafe_path")])
    return text


@dataclass(frozen=True)
class Process:
    """One Streamlit process: which organisation, which port."""

    organisation: HostedOrganisation
    index: int
    port: int


def processes(organisations: list[HostedOrganisation], per_organisation: int, first_port: int) -> list[Process]:
    """Ports in order: the first organisation's processes, then the next one's."""
    found = []
    port = first_port
    for organisation in organisations:
        for index in range(per_organisation):
            found.append(Process(organisation, index, port))
            port += 1
    return found


_TEMPLATES = {
    # Organisation names are the organisations' own text: the landing page escapes them.
    "index.html": """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Målbild</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
a{color:#1f5c33;font-size:1.25rem}li{margin:.6rem 0}</style></head>
<body>
<h1>Målbild</h1>
<p>Organisationernas mål och hur det går / The organisations' goals and how they are going:</p>
<ul>
{% for org in organisations if org.public %}  <li><a href="/{{ org.slug }}/">{{ org.name }}</a></li>
{% endfor %}</ul>
</body>
</html>
""",
    "nginx.conf": """# Målbild: {{ organisations|length }} organisation(s) x {{ per_organisation }} process(es), written by `kpi deploy`.
# Each organisation at /<slug>/. Sticky on Streamlit's XSRF cookie: once a browser has it, its
# websocket, uploads and reconnects all reach the same process (the one holding its session); the
# processes of one organisation share one cookie secret, so the cookie any of them set is valid in
# all. Streamlit needs HTTP/1.1 and the Upgrade headers.
{% for org in organisations %}
upstream malbild_{{ org.slug|replace("-", "_") }} {
    hash $cookie__streamlit_xsrf consistent;
{% for process in processes if process.organisation.slug == org.slug %}    server 127.0.0.1:{{ process.port }} max_fails=1 fail_timeout=5s;
{% endfor %}}
{% endfor %}
map $http_upgrade $malbild_connection {
    default upgrade;
    ''      close;
}

server {
    listen {{ listen }};
    server_name {{ server_name }};
    client_max_body_size 6m;  # the app refuses uploads over 5 MB with a message of its own

    location = / {
        root {{ site_root }};
        try_files /index.html =404;
    }
{% for org in organisations %}
    location /{{ org.slug }}/ {
        proxy_pass http://malbild_{{ org.slug|replace("-", "_") }};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $malbild_connection;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 86400;
        proxy_next_upstream error timeout http_502;
    }
{% endfor %}}
""",
    "malbild@.service": """# One Målbild process: `systemctl enable --now malbild@<slug>:<port>` (see start.sh), written by `kpi deploy`.
[Unit]
Description=Målbild %i
After=network.target

[Service]
Type=simple
User={{ user }}
WorkingDirectory={{ project }}
EnvironmentFile={{ out }}/env/%i.env
ExecStart={{ python }} -m streamlit run app.py --server.headless true --server.address 127.0.0.1 --server.port ${PORT} --server.baseUrlPath ${SLUG} --browser.gatherUsageStats false
Restart=always
RestartSec=2
SyslogIdentifier=malbild-%i

[Install]
WantedBy=multi-user.target
""",
    "env": """SLUG={{ process.organisation.slug }}
PORT={{ process.port }}
KPI_DATA_DIR={{ process.organisation.data }}
KPI_TARGETS={{ process.organisation.targets }}
KPI_ACCESS={{ process.organisation.access }}
KPI_PROCESS={{ process.organisation.slug }}-{{ process.index }}
STREAMLIT_SERVER_COOKIE_SECRET={{ secret }}
""",
    "compose.yaml": """# Målbild in Docker: one container per process, nginx in front; written by `kpi deploy`.
services:
{% for process in processes %}  {{ process.organisation.slug }}-{{ process.index }}:
    build: {{ project }}
    restart: always
    environment:
      KPI_DATA_DIR: /orgs/{{ process.organisation.slug }}/data
      KPI_TARGETS: /orgs/{{ process.organisation.slug }}/targets.yaml
      KPI_ACCESS: /orgs/{{ process.organisation.slug }}/access.yaml
      KPI_PROCESS: {{ process.organisation.slug }}-{{ process.index }}
    env_file: ["{{ out }}/env/{{ process.organisation.slug }}-{{ process.index }}.env"]
    command: ["streamlit", "run", "app.py", "--server.port={{ process.port }}", "--server.address=0.0.0.0",
              "--server.headless=true", "--server.baseUrlPath={{ process.organisation.slug }}",
              "--browser.gatherUsageStats=false"]
    volumes: ["{{ process.organisation.folder }}:/orgs/{{ process.organisation.slug }}"]
    network_mode: host
{% endfor %}  proxy:
    image: nginx:stable
    restart: always
    network_mode: host
    volumes: ["{{ out }}/nginx.conf:/etc/nginx/conf.d/malbild.conf:ro", "{{ out }}/site:/srv/malbild:ro"]
""",
    "start.sh": """#!/usr/bin/env bash
# Start every process of this deployment with systemd, then reload nginx (run as root). Written by `kpi deploy`.
set -euo pipefail
install -m 0644 {{ out }}/malbild@.service /etc/systemd/system/malbild@.service
ln -sf {{ out }}/nginx.conf /etc/nginx/sites-enabled/malbild.conf
systemctl daemon-reload
{% for process in processes %}systemctl enable --now malbild@{{ process.organisation.slug }}-{{ process.index }}
{% endfor %}nginx -t && systemctl reload nginx
""",
}


def _environment(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(autoescape=autoescape, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def deployment_files(
    organisations: list[HostedOrganisation],
    *,
    out: Path,
    per_organisation: int = 2,
    first_port: int = FIRST_PORT,
    listen: str = "80",
    server_name: str = "_",
    python: str = "/usr/bin/python3",
    project: Path = paths.PROJECT_ROOT,
    user: str = "malbild",
    secrets: dict[str, str] | None = None,
) -> dict[str, str]:
    """Every file of the deployment, by its path relative to ``out``. ``secrets``: each
    organisation's cookie secret (made anew when not given); the env files that hold them are
    written readable by their owner only."""
    secrets = dict(secrets or {})
    for organisation in organisations:
        secrets.setdefault(organisation.slug, token_urlsafe(32))
    if not 1 <= per_organisation <= 16:
        raise DataError([Problem("--processes", "hosting_processes", params={"value": per_organisation})])
    if not re.fullmatch(r"(\d{1,3}(\.\d{1,3}){3}:)?\d{1,5}", listen) or not re.fullmatch(
        r"[A-Za-z0-9._*-]+", server_name
    ):
        raise DataError([Problem("--listen", "hosting_listen", params={"value": f"{listen} {server_name}"[:80]})])
    if not re.fullmatch(r"[a-z_][a-z0-9_-]{0,31}", user):
        raise DataError([Problem("--user", "hosting_listen", params={"value": user[:40]})])
    for organisation in organisations:
        _checked_path(organisation.folder)
    running = processes(organisations, per_organisation, first_port)
    context: dict[str, object] = {
        "organisations": organisations,
        "processes": running,
        "per_organisation": per_organisation,
        "listen": listen,
        "server_name": server_name,
        "site_root": _checked_path(Path(out) / "site"),
        "out": _checked_path(Path(out)),
        "python": _checked_path(Path(python)),
        "project": _checked_path(project),
        "user": user,
    }
    files: dict[str, str] = {}
    files["site/index.html"] = _environment(True).from_string(_TEMPLATES["index.html"]).render(**context)
    plain = _environment(False)
    for name in ("nginx.conf", "malbild@.service", "compose.yaml", "start.sh"):
        files[name] = plain.from_string(_TEMPLATES[name]).render(**context)
    for process in running:
        name = f"env/{process.organisation.slug}-{process.index}.env"
        files[name] = plain.from_string(_TEMPLATES["env"]).render(
            process=process, secret=secrets[process.organisation.slug]
        )
    return files


def write_deployment(out: Path, files: dict[str, str]) -> list[Path]:
    """Write the files under ``out`` (each atomically); ``start.sh`` is made executable."""
    written = []
    secret_folder = Path(out) / "env"
    secret_folder.mkdir(parents=True, exist_ok=True)
    secret_folder.chmod(0o700)  # before any secret is written into it
    for relative, text in sorted(files.items()):
        path = Path(out) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))
        if relative == "start.sh":
            path.chmod(0o755)
        elif relative.startswith("env/"):  # the cookie secret
            path.chmod(0o600)
        written.append(path)
    return written


# --- backups --------------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _organisation_files(folder: Path) -> list[Path]:
    """What a backup holds: targets.yaml, access.yaml and the whole data folder (packs, history,
    change log), regular files only, never a lock or a temporary file."""
    found = [folder / name for name in ("targets.yaml", "access.yaml") if (folder / name).is_file()]
    data = folder / "data"
    if data.is_dir():
        found += sorted(
            path
            for path in data.rglob("*")
            if path.is_file() and not path.is_symlink() and not path.name.endswith((".lock", ".tmp"))
        )
    return found


Statuses = Callable[[Path, Path, dt.date], dict[str, str]]


def backup_organisation(folder: Path, out_dir: Path, today: dt.date, statuses: Statuses) -> Path:
    """``<slug>-<date>.tar.gz`` in ``out_dir`` (and its ``.sha256``): every file with its sha256 in the
    manifest, and every goal's status on ``today`` (``statuses(data, targets)``), so a restore can
    prove the numbers came back the same."""
    folder = Path(folder).resolve()
    manifest: dict[str, object] = {
        "format": ARCHIVE_FORMAT,
        "organisation": folder.name,
        "date": today.isoformat(),
        "files": {},
        "statuses": statuses(folder / "data", folder / "targets.yaml", today),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in _organisation_files(folder):
            content = path.read_bytes()
            name = path.relative_to(folder).as_posix()
            manifest["files"][name] = _sha256(content)  # type: ignore[index]
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(content), int(path.stat().st_mtime), 0o644
            archive.addfile(info, io.BytesIO(content))
        content = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(content), 0o644
        archive.addfile(info, io.BytesIO(content))
    data = buffer.getvalue()
    target = Path(out_dir) / f"{folder.name}-{today.isoformat()}.tar.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data)
    atomic_write(target.with_name(target.name + ".sha256"), f"{_sha256(data)}  {target.name}\n".encode())
    return target


def restore_archive(archive_path: Path, out: Path, statuses: Statuses) -> dict:
    """Read a backup back into the empty folder ``out``; DataError when the archive is not whole, a
    file's checksum differs, a member would land outside ``out``, or a goal's status differs."""
    archive_path, out = Path(archive_path), Path(out)
    label = archive_path.name
    if out.exists() and any(out.iterdir()):
        raise DataError([Problem(str(out), "hosting_restore_not_empty")])
    data = archive_path.read_bytes()
    checksum = archive_path.with_name(archive_path.name + ".sha256")
    if checksum.is_file() and checksum.read_text(encoding="utf-8").split()[0] != _sha256(data):
        raise DataError([Problem(label, "hosting_checksum", params={"file": label})])
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            members = {member.name: member for member in archive.getmembers()}
            if MANIFEST not in members:
                raise DataError([Problem(label, "hosting_not_a_backup")])
            manifest = json.loads(archive.extractfile(members[MANIFEST]).read())  # type: ignore[union-attr]
            if manifest.get("format") != ARCHIVE_FORMAT:
                raise DataError([Problem(label, "hosting_not_a_backup")])
            contents: dict[str, bytes] = {}
            for name, digest in manifest["files"].items():
                member = members.get(name)
                if member is None or not member.isfile() or name.startswith("/") or ".." in Path(name).parts:
                    raise DataError([Problem(label, "hosting_checksum", params={"file": name[:80]})])
                content = archive.extractfile(member).read()  # type: ignore[union-attr]
                if _sha256(content) != digest:
                    raise DataError([Problem(label, "hosting_checksum", params={"file": name[:80]})])
                contents[name] = content
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise DataError([Problem(label, "hosting_not_a_backup", params={"detail": str(exc)[:120]})]) from None
    for name, content in contents.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, content)
    now = statuses(out / "data", out / "targets.yaml", dt.date.fromisoformat(manifest["date"]))
    differing = sorted(
        key for key in set(now) | set(manifest["statuses"]) if now.get(key) != manifest["statuses"].get(key)
    )
    if differing:
        raise DataError([Problem(label, "hosting_statuses_differ", params={"goals": ", ".join(differing[:10])})])
    return manifest
