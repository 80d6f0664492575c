"""The README's start command: it says what it is doing, prints the one URL to open, and serves it."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request

import pytest

from tests.e2e_server import free_port
from tests.support import ROOT

pytestmark = pytest.mark.slow


def test_start_script_says_what_it_does_and_serves_the_url_it_prints():
    port = free_port()
    env = {**os.environ, "PORT": str(port)}
    process = subprocess.Popen(
        ["bash", "scripts/start.sh"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip())
            if line.strip().startswith("Open "):
                break
        assert f"  Open {url} in your browser. Ctrl+C stops the dashboard." in lines, lines
        assert any("installing the locked packages" in line for line in lines)
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("the dashboard did not answer at the URL it printed")
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate(timeout=15)
    assert "Did not auto detect external IP" not in "\n".join(lines) + (output or "")
