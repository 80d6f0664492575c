"""One deployment for many organisations (kpi deploy, kpi backup, kpi restore; kpi.write.hosting).

The unit tests check what ``kpi deploy`` writes and that ``nginx -t`` accepts it; the browser test
runs the real thing: Debian's nginx on 127.0.0.1 in front of two organisations × two Streamlit
processes, each organisation seen in Chromium at its own path with only its own goals, a landing
page that lists the public ones, and one process killed while the organisation stays reachable.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.cli.hosting import statuses
from kpi.model.problems import DataError
from kpi.write import hosting
from tests.support import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.e2e_server import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def orgs(tmp_path: Path) -> Path:
    """Two organisations: Matkluster (public) and the co-op network (public: none)."""
    folder = tmp_path / "orgs"
    (folder / "matkluster").mkdir(parents=True)
    shutil.copytree(ROOT / "data", folder / "matkluster" / "data")
    shutil.copy(ROOT / "targets.yaml", folder / "matkluster" / "targets.yaml")
    shutil.copytree(ROOT / "examples" / "matkooperativ", folder / "matkooperativ")
    (folder / "matkooperativ" / "access.yaml").write_text("public: none\n", encoding="utf-8")
    (folder / "notes").mkdir()  # a folder without targets.yaml is not an organisation
    return folder


def test_the_organisations_of_a_folder(orgs):
    found = hosting.find_organisations(orgs)
    assert [(item.slug, item.name, item.public) for item in found] == [
        ("matkluster", "Sörmlands Matkluster", True),
        ("matkooperativ", "Nätverket för matkooperativ (exempel)", False),
    ]


def test_a_folder_name_that_cannot_be_an_address_is_refused(orgs):
    shutil.copytree(orgs / "matkooperativ", orgs / "Bad Name")
    with pytest.raises(DataError) as caught:
        hosting.find_organisations(orgs)
    assert [problem.code for problem in caught.value.problems] == ["hosting_bad_slug"]


def test_deploy_writes_the_site_the_units_and_the_landing_page(orgs, tmp_path, capsys):
    out = tmp_path / "deploy"
    code = main(["deploy", "--orgs", str(orgs), "--processes", "2", "--out", str(out), "--listen", "127.0.0.1:8999"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "/matkluster/  Sörmlands Matkluster" in printed and "start.sh" in printed
    site = (out / "nginx.conf").read_text(encoding="utf-8")
    # One upstream per organisation, two processes each, on consecutive ports; sticky sessions.
    assert re.findall(r"upstream (\w+) \{", site) == ["malbild_matkluster", "malbild_matkooperativ"]
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", site) == ["8601", "8602", "8603", "8604"]
    assert site.count("hash $cookie__streamlit_xsrf consistent;") == 2
    assert "location /matkluster/" in site and "proxy_set_header Upgrade $http_upgrade;" in site
    landing = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="/matkluster/"' in landing and "matkooperativ" not in landing  # public: none is not listed
    environment = (out / "env" / "matkooperativ-1.env").read_text(encoding="utf-8")
    assert "PORT=8604" in environment and "SLUG=matkooperativ" in environment
    assert f"KPI_ACCESS={(orgs / 'matkooperativ' / 'access.yaml').resolve()}" in environment
    # One cookie secret per organisation, shared by its processes, readable by the owner only.
    secret = re.search(r"COOKIE_SECRET=(\S+)", environment).group(1)
    assert secret in (out / "env" / "matkooperativ-0.env").read_text(encoding="utf-8")
    assert secret not in (out / "env" / "matkluster-0.env").read_text(encoding="utf-8")
    assert (out / "env").stat().st_mode & 0o077 == 0 and (out / "env" / "matkluster-0.env").stat().st_mode & 0o077 == 0
    unit = (out / "malbild@.service").read_text(encoding="utf-8")
    assert "Restart=always" in unit and "--server.baseUrlPath ${SLUG}" in unit
    assert "restart: always" in (out / "compose.yaml").read_text(encoding="utf-8")
    assert os.access(out / "start.sh", os.X_OK)


def test_an_organisation_s_name_is_text_on_the_landing_page(orgs, tmp_path):
    targets = orgs / "matkluster" / "targets.yaml"
    targets.write_text(
        targets.read_text(encoding="utf-8").replace("name: Sörmlands Matkluster", 'name: "<script>x()</script> & Co"'),
        encoding="utf-8",
    )
    files = hosting.deployment_files(hosting.find_organisations(orgs), out=tmp_path / "d")
    assert "<script>" not in files["site/index.html"]
    assert "&lt;script&gt;x()&lt;/script&gt; &amp; Co" in files["site/index.html"]


@pytest.mark.parametrize(
    ("option", "value"),
    [("--listen", "80; include /etc/passwd"), ("--processes", "0"), ("--server-name", "a b{")],
)
def test_nothing_reaches_a_configuration_as_syntax(orgs, tmp_path, option, value, capsys):
    code = main(["deploy", "--orgs", str(orgs), "--out", str(tmp_path / "d"), option, value])
    assert code == 1 and not (tmp_path / "d").exists()
    assert capsys.readouterr().err.strip()


def nginx_main_conf(folder: Path, site: Path) -> Path:
    """A main configuration that runs nginx in ``folder`` around a generated site (as the user the
    test runs as: the landing page lies in the test's private temporary folder)."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx-main.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 1;
{"user root;" if os.geteuid() == 0 else ""}
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
""",
        encoding="utf-8",
    )
    return conf


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is installed by scripts/setup-test-env.sh")
def test_nginx_accepts_the_generated_site(orgs, tmp_path):
    out = tmp_path / "deploy"
    hosting.write_deployment(
        out, hosting.deployment_files(hosting.find_organisations(orgs), out=out, listen="127.0.0.1:8999")
    )
    conf = nginx_main_conf(tmp_path / "nginx", out / "nginx.conf")
    checked = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(tmp_path / "nginx")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


# --- backups ------------------------------------------------------------------------------------------


def test_a_backup_reads_back_into_an_empty_folder_with_the_same_statuses(tmp_path, capsys):
    folder = tmp_path / "gardsforening"
    shutil.copytree(ROOT / "examples" / "gardsforening", folder)
    code = main(["backup", "--targets", str(folder / "targets.yaml"), "--out", str(tmp_path / "backups")])
    assert code == 0
    archives = sorted((tmp_path / "backups").glob("*.tar.gz"))
    assert len(archives) == 1 and re.fullmatch(r"gardsforening-\d{4}-\d{2}-\d{2}\.tar\.gz", archives[0].name)
    assert (tmp_path / "backups" / (archives[0].name + ".sha256")).is_file()
    capsys.readouterr()
    assert main(["restore", str(archives[0]), "--out", str(tmp_path / "restored")]) == 0
    assert "alla 4 mål har samma status" in capsys.readouterr().out
    for name in ("targets.yaml", "data/members.csv", "data/market_days.csv", "data/metrics/knowledge.csv"):
        assert (tmp_path / "restored" / name).read_bytes() == (folder / name).read_bytes()
    # A second restore into the same (now full) folder is refused; nothing is overwritten.
    assert main(["restore", str(archives[0]), "--out", str(tmp_path / "restored")]) == 1
    assert "inte tom" in capsys.readouterr().err


def test_a_damaged_or_foreign_archive_is_refused_and_nothing_is_written(tmp_path):
    folder = tmp_path / "gardsforening"
    shutil.copytree(ROOT / "examples" / "gardsforening", folder)
    archive = hosting.backup_organisation(folder, tmp_path / "b", dt.date(2026, 11, 30), statuses)
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(archive.read_bytes()[:-200])  # cut short
    with pytest.raises(DataError) as caught:
        hosting.restore_archive(broken, tmp_path / "out1", statuses)
    assert caught.value.problems[0].code == "hosting_not_a_backup"
    assert not (tmp_path / "out1").exists()
    # A member that would land outside the folder, listed in a forged manifest.
    evil = io.BytesIO()
    with tarfile.open(fileobj=evil, mode="w:gz") as tar:
        manifest = {"format": hosting.ARCHIVE_FORMAT, "date": "2026-11-30", "files": {"../x": "0"}, "statuses": {}}
        for name, content in (("../x", b"x"), (hosting.MANIFEST, json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    forged = tmp_path / "forged.tar.gz"
    forged.write_bytes(evil.getvalue())
    with pytest.raises(DataError):
        hosting.restore_archive(forged, tmp_path / "out2", statuses)
    assert not (tmp_path / "x").exists() and not (tmp_path / "out2").exists()


# --- the real thing behind nginx --------------------------------------------------------------------


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _wait(url: str, deadline: float, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"{url}: the process ended ({process.returncode}): {log.read_text()[-2000:] if log else ''}"
            )
        try:
            if _get(url, 1)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


@pytest.mark.browser
@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is installed by scripts/setup-test-env.sh")
def test_two_organisations_behind_nginx(orgs, tmp_path, browser):
    first, listen = _free_ports(2)
    out = tmp_path / "deploy"
    found = hosting.find_organisations(orgs)
    hosting.write_deployment(
        out, hosting.deployment_files(found, out=out, first_port=first, listen=f"127.0.0.1:{listen}")
    )
    running: list[subprocess.Popen] = []
    nginx = None
    try:
        for env_file in sorted((out / "env").glob("*.env")):  # what systemd's EnvironmentFile gives each unit
            values = dict(line.split("=", 1) for line in env_file.read_text(encoding="utf-8").splitlines() if line)
            running.append(
                subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                     "--server.address", "127.0.0.1", "--server.port", values["PORT"],
                     "--server.baseUrlPath", values["SLUG"], "--browser.gatherUsageStats", "false"],
                    cwd=ROOT, env={**os.environ, **values}, stdout=(tmp_path / f"{env_file.stem}.log").open("w"),
                    stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
        conf = nginx_main_conf(tmp_path / "nginx", out / "nginx.conf")
        nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path / "nginx")], stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{listen}"
        deadline = time.monotonic() + 240  # four Streamlit starts on two busy cores
        for started, process in zip(running, hosting.processes(found, 2, first)):  # each on its own port
            log = tmp_path / f"{process.organisation.slug}-{process.index}.log"
            _wait(f"http://127.0.0.1:{process.port}/{process.organisation.slug}/_stcore/health", deadline, started, log)
        for organisation in ("matkluster", "matkooperativ"):  # each process's health, through the proxy
            _wait(f"{base}/{organisation}/_stcore/health", deadline)
        status, landing = _get(base + "/")
        assert status == 200 and "Sörmlands Matkluster" in landing and "matkooperativ" not in landing

        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(60_000)
        # Matkluster shows its aggregates to everyone, with its own menu and name.
        page.goto(f"{base}/matkluster/?as_of=2026-11-30")
        page.get_by_role("heading", name=re.compile("Översikt: målen per 30 nov. 2026")).wait_for()
        page.locator('[data-testid="stSidebar"]').get_by_text("Sörmlands Matkluster").wait_for()
        menu = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Kommunsamverkan" in menu and "Kunskap & verktyg" not in menu, menu
        page.get_by_text("44 mål i planen").wait_for()
        # The co-op network's access.yaml says public: none: a signed-out visitor is asked to sign in,
        # sees none of its goals, and no menu of file names.
        page.goto(f"{base}/matkooperativ/?as_of=2026-11-30")
        page.get_by_text("Logga in för att se det här").wait_for()
        main_text = page.locator('[data-testid="stMain"]').inner_text()
        assert "mål i planen" not in main_text and "Matkooperativ i nätverket" not in main_text
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0

        # One of Matkluster's processes dies: the organisation stays reachable through the other,
        # and a fresh visit (the page's state lives in the URL) opens the same view.
        running[0].send_signal(signal.SIGKILL)
        running[0].wait(timeout=10)
        for _ in range(3):
            assert _get(f"{base}/matkluster/_stcore/health")[0] == 200
        page.goto(f"{base}/matkluster/members?as_of=2026-11-30")
        page.get_by_role("heading", name="Medlemmar", exact=True).wait_for()
        context.close()
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for process in running:
            if process.poll() is None:
                process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
