"""The editor password's count behind the documented proxies: the nginx and Caddy snippets of
docs/deploy.md, run as they are written (only the listening address, the backend's port and the
TLS lines changed), in front of a backend that records the headers it receives. A client sends its
own ``X-Forwarded-For`` and ``X-Real-IP``; the address counted must be the one the proxy saw.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpi.write import auth
from tests.e2e_server import ROOT, free_port

pytestmark = pytest.mark.slow
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
SPOOFED = {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"}


def snippet(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", DEPLOY, re.S)
    assert found, f"docs/deploy.md has no {language} snippet"
    return found.group(1)


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        type(self).seen.append(dict(self.headers.items()))
        body = json.dumps({}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def backend() -> Iterator[tuple[int, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(url, headers=SPOOFED)
            with urllib.request.urlopen(request, timeout=2) as response:
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _counted(headers: dict[str, str], setting: str) -> str:
    return auth.client_address("127.0.0.1", headers, header=setting, hops=1)


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx-light)")
def test_the_documented_nginx_snippet_counts_the_address_nginx_saw(tmp_path):
    site = snippet("nginx")
    with backend() as (port, seen):
        listen = free_port()
        site = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{listen};", site)
        site = re.sub(r"\n\s*ssl_certificate\S* [^\n]*", "", site)
        site = site.replace("127.0.0.1:8501", f"127.0.0.1:{port}")
        for folder in ("logs", "tmp"):
            (tmp_path / folder).mkdir()
        conf = tmp_path / "nginx.conf"
        conf.write_text(
            f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n"
            "events {}\nhttp {\n"
            f"access_log off;\nclient_body_temp_path {tmp_path}/tmp/body;\nproxy_temp_path {tmp_path}/tmp/proxy;\n"
            f"fastcgi_temp_path {tmp_path}/tmp/fcgi;\nuwsgi_temp_path {tmp_path}/tmp/uwsgi;\n"
            f"scgi_temp_path {tmp_path}/tmp/scgi;\n{site}\n}}\n",
            encoding="utf-8",
        )
        process = subprocess.Popen(
            ["nginx", "-c", str(conf), "-p", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            _get(f"http://127.0.0.1:{listen}/")
        finally:
            _stop(process)
    headers = seen[-1]
    assert headers["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"  # nginx appends what it saw
    assert _counted(headers, "X-Real-IP") == "127.0.0.1"
    assert _counted(headers, "X-Forwarded-For") == "127.0.0.1"
    assert auth.client_address("127.0.0.1", headers) == auth.SHARED  # not configured: no one count


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed (apt-get install caddy)")
def test_the_documented_caddy_snippet_counts_the_address_caddy_saw(tmp_path):
    site = snippet("caddy")
    with backend() as (port, seen):
        listen = free_port()
        site = site.replace("malbild.example.se", f"http://127.0.0.1:{listen}", 1)
        site = site.replace("127.0.0.1:8501", f"127.0.0.1:{port}")
        caddyfile = tmp_path / "Caddyfile"
        caddyfile.write_text("{\n    admin off\n}\n" + site, encoding="utf-8")
        env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
        process = subprocess.Popen(
            ["caddy", "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _get(f"http://127.0.0.1:{listen}/")
        finally:
            _stop(process)
    headers = seen[-1]
    assert _counted(headers, "X-Real-IP") == "127.0.0.1"
    assert _counted(headers, "X-Forwarded-For") == "127.0.0.1"
    assert auth.client_address("127.0.0.1", headers) == auth.SHARED


def test_the_documented_settings_are_the_ones_the_code_reads():
    assert f"{auth.CLIENT_HEADER_ENV}=X-Real-IP" in DEPLOY and auth.TRUSTED_HOPS_ENV in DEPLOY
    assert Path(__file__).name in DEPLOY
