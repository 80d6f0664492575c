"""The deployment recipe: the Dockerfile's promises, and its start command really serving.

Docker's engine is not available on the build machine, so the image itself is not built here;
instead the exact command of the image's CMD is started and its health endpoint checked.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support import FIXTURES, ROOT

pytestmark = pytest.mark.slow

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_dockerfile_is_slim_non_root_with_volume_and_healthcheck():
    assert re.search(r"^FROM python:3\.11-slim", DOCKERFILE, re.M)
    assert re.search(r"^USER (?!root)\w+", DOCKERFILE, re.M)
    assert 'VOLUME ["/data"]' in DOCKERFILE
    assert "/_stcore/health" in DOCKERFILE
    assert "KPI_DATA_DIR=/data" in DOCKERFILE
    # Everything the app imports is copied into the image.
    for folder in ("kpi", "ui", "pages"):
        assert f"COPY {folder} ./{folder}" in DOCKERFILE


def _cmd() -> list[str]:
    match = re.search(r"^CMD (\[.*?\])\s*$", DOCKERFILE, re.M | re.S)
    return json.loads(match.group(1).replace("\\\n", ""))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_image_start_command_serves_health(tmp_path):
    port = _free_port()
    cmd = _cmd()
    assert cmd[:3] == ["streamlit", "run", "app.py"]
    args = [a for a in cmd[3:] if not a.startswith(("--server.port", "--server.address"))]
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        *args,
        f"--server.port={port}",
        "--server.address=127.0.0.1",
    ]
    env = dict(
        os.environ,
        KPI_DATA_DIR=str(FIXTURES / "basic" / "data"),
        KPI_TARGETS=str(FIXTURES / "basic" / "targets.yaml"),
        HOME=str(tmp_path),
    )
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.5)
        assert body == "ok", f"no health answer from {shlex.join(command)}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
