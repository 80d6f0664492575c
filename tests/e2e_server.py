"""Start the real dashboard (``streamlit run app.py``) and drive Debian's Chromium, for the browser tests.

Also runnable by hand to refresh the README screenshot on the example data:

    .venv/bin/python -m tests.e2e_server --data data --targets targets.yaml --out docs/screenshot.png

The server always runs on a free port, headless, without usage statistics, and is terminated in a
``finally`` even when a test fails. Chromium comes from Debian (``/usr/bin/chromium``); Playwright's
own browser download is never used.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every page and its URL path (st.navigation derives it from the file name; the default page is "").
PAGE_PATHS = {
    "overview": "",
    "metric": "metric",
    "members": "members",
    "communication": "communication",
    "municipalities": "municipalities",
    "activities": "activities",
    "projects": "projects",
    "organisation": "organisation",
    "business": "business",
    "reports": "reports",
    "data": "data",
    "about": "about",
}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def dashboard(data_dir: Path, targets: Path, timeout: float = 60.0) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free port until the block ends; yields the base URL."""
    port = free_port()
    env = dict(os.environ, KPI_DATA_DIR=str(data_dir), KPI_TARGETS=str(targets))
    log = open(os.devnull, "w")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode}")
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the dashboard did not answer /_stcore/health")
            time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_idle(page, timeout: float = 30_000) -> None:
    """Until the script run has finished and something is drawn in the main area."""
    page.wait_for_selector(
        '[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] [data-testid="stAlert"]',
        timeout=timeout,
    )
    page.wait_for_selector(IDLE, timeout=timeout)
    # Elements still being drawn show as grey placeholders ("skeletons"): wait until none is left.
    page.wait_for_function(
        '!document.querySelector(\'[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]\')', timeout=timeout
    )
    page.wait_for_timeout(300)  # charts and fonts settle after the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "data"))
    parser.add_argument("--targets", default=str(ROOT / "targets.yaml"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--query", default="", help="extra query string, e.g. as_of=2026-10-31")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with dashboard(Path(args.data).resolve(), Path(args.targets).resolve()) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{base}/?{args.query}")
            wait_idle(page, 60_000)
            page.wait_for_timeout(1000)
            page.screenshot(path=args.out)
        finally:
            browser.close()
    print(args.out)


if __name__ == "__main__":
    main()
