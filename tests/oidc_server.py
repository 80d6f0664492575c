"""A real OpenID Connect provider and a dashboard configured to sign in with it, for the browser tests.

The provider is node-oidc-provider (npm ``oidc-provider``, installed by scripts/setup-test-env.sh
into ``$MALBILD_OIDC_DIR``, default ~/.cache/malbild-oidc) with its development login form: any password,
the login name picks the account (``board``, ``staff``, ``admin``, ``outsider``; see tests/oidc/provider.mjs).
Both servers listen on 127.0.0.1 only and are stopped when the block ends.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.e2e_server import ROOT, free_port

OIDC_DIR = Path(os.environ.get("MALBILD_OIDC_DIR") or Path.home() / ".cache" / "malbild-oidc")
PROVIDER = Path(__file__).resolve().parent / "oidc" / "provider.mjs"
CLIENT_ID = "malbild-test"
ACCESS_YAML = """public: aggregates
roles:
  board: [styrelse@matkluster.se]
  staff: [anna@matkluster.se]
  admin: [admin@matkluster.se]
"""


def available() -> bool:
    return shutil.which("node") is not None and (OIDC_DIR / "node_modules" / "oidc-provider").is_dir()


def _wait(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer")
        time.sleep(0.25)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def signed_in_dashboard(folder: Path, data_dir: Path, targets: Path, timeout: float = 60.0) -> Iterator[str]:
    """The provider and ``streamlit run app.py`` with ``[auth]`` pointing at it; yields the app's URL.

    ``folder`` (a temporary folder) receives the provider script, secrets.toml and access.yaml.
    """
    provider_port, app_port = free_port(), free_port()
    base = f"http://127.0.0.1:{app_port}"
    client_secret = secrets.token_urlsafe(24)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROVIDER, folder / "provider.mjs")  # ES modules find node_modules beside the script
    (folder / "node_modules").unlink(missing_ok=True)
    (folder / "node_modules").symlink_to(OIDC_DIR / "node_modules")
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{client_secret}"\n'
        f'server_metadata_url = "http://127.0.0.1:{provider_port}/.well-known/openid-configuration"\n'
        # node-oidc-provider has no "select_account" prompt (Streamlit's default); Entra and Google do.
        'client_kwargs = { prompt = "login" }\n',
        encoding="utf-8",
    )
    (folder / "access.yaml").write_text(ACCESS_YAML, encoding="utf-8")
    log = open(folder / "servers.log", "w")  # noqa: SIM115 - closed in finally
    provider = subprocess.Popen(
        ["node", str(folder / "provider.mjs"), str(provider_port), f"{base}/oauth2callback", CLIENT_ID, client_secret],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    app = None
    try:
        _wait(f"http://127.0.0.1:{provider_port}/.well-known/openid-configuration", provider, timeout)
        env = dict(
            os.environ, KPI_DATA_DIR=str(data_dir), KPI_TARGETS=str(targets), KPI_ACCESS=str(folder / "access.yaml")
        )
        env.pop("KPI_EDITOR_PASSWORD", None)
        app = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(app_port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--secrets.files",
                str(folder / "secrets.toml"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait(base + "/_stcore/health", app, timeout)
        yield base
    finally:
        if app is not None:
            _stop(app)
        _stop(provider)
        log.close()


def sign_in(page, base: str, account: str) -> None:
    """Through the real provider's pages: the sidebar's button, the login form, the consent form."""
    from tests.e2e_server import wait_idle

    page.goto(base + "/")
    wait_idle(page, timeout=60_000)
    page.get_by_role("button", name="Logga in").first.click()
    page.wait_for_selector("input[name=login]", timeout=30_000)
    page.fill("input[name=login]", account)
    page.fill("input[name=password]", "whatever-the-dev-form-accepts")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if page.url.startswith(base):
        return
    page.wait_for_selector("button[type=submit]", timeout=30_000)  # consent: "Continue"
    page.click("button[type=submit]")
    page.wait_for_url(base + "/**", timeout=30_000)
