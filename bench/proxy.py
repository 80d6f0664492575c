"""Sessions through nginx: one organisation served by one and by two Streamlit processes behind
the proxy that `kpi deploy` writes (kpi.write.hosting), N sessions at once over the websocket.

Each session carries its own XSRF cookie, as each browser does, so nginx's sticky hash spreads the
sessions over the organisation's processes. Server CPU is the sum over its processes. Bounded
(bench/sessions.py's limits), only to 127.0.0.1. Run: ``python -m bench.proxy``.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.sessions import MAX_SESSIONS, one_view, server_cpu_seconds
from kpi.write import hosting

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, timeout: float = 240) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def _measure(port: int, pids: list[int], counts: list[int], path: str, query: str) -> dict[int, dict]:
    asyncio.run(one_view(port, query, path=path, cookie="warm"))
    results = {}
    for count in counts:
        count = min(count, MAX_SESSIONS)
        before = sum(server_cpu_seconds(pid) for pid in pids)

        async def many(n: int = count) -> list[tuple[float | None, int]]:
            return list(
                await asyncio.gather(*(one_view(port, query, path=path, cookie=secrets.token_hex(8)) for _ in range(n)))
            )

        outcomes = asyncio.run(many())
        cpu = sum(server_cpu_seconds(pid) for pid in pids) - before
        times = [seconds for seconds, _ in outcomes if seconds is not None]
        results[count] = {
            "finished": len(times),
            "median": statistics.median(times) if times else None,
            "worst": max(times) if times else None,
            "cpu_per_view": cpu / count,
        }
    return results


def run(counts: list[int], per_organisation: int, query: str = "as_of=2026-11-30") -> dict[int, dict]:
    """One organisation (the bundled example) behind nginx with ``per_organisation`` processes."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        org = folder / "orgs" / "matkluster"
        org.mkdir(parents=True)
        shutil.copytree(ROOT / "data", org / "data")
        shutil.copy(ROOT / "targets.yaml", org / "targets.yaml")
        first, listen = _free_port(), _free_port()
        found = hosting.find_organisations(folder / "orgs")
        out = folder / "deploy"
        hosting.write_deployment(
            out,
            hosting.deployment_files(
                found, out=out, per_organisation=per_organisation, first_port=first, listen=f"127.0.0.1:{listen}"
            ),
        )
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / "nginx" / name).mkdir(parents=True)
        conf = folder / "nginx" / "main.conf"
        conf.write_text(
            f"daemon off; worker_processes 1; pid {folder}/nginx/pid; error_log {folder}/nginx/error.log;\n"
            f"{'user root;' if os.geteuid() == 0 else ''}\nevents {{ worker_connections 1024; }}\n"
            f"http {{ access_log off; client_body_temp_path {folder}/nginx/body; proxy_temp_path {folder}/nginx/proxy;"
            f" fastcgi_temp_path {folder}/nginx/fastcgi; uwsgi_temp_path {folder}/nginx/uwsgi;"
            f" scgi_temp_path {folder}/nginx/scgi; include {out}/nginx.conf; }}\n",
            encoding="utf-8",
        )
        running = []
        nginx = None
        try:
            for env_file in sorted((out / "env").glob("*.env")):
                values = dict(line.split("=", 1) for line in env_file.read_text(encoding="utf-8").splitlines() if line)
                running.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", values["PORT"],
                         "--server.address", "127.0.0.1", "--server.baseUrlPath", values["SLUG"],
                         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                        cwd=ROOT, env={**os.environ, **values}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    )
                )  # fmt: skip
            nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder / "nginx")], stderr=subprocess.DEVNULL)
            for process in hosting.processes(found, per_organisation, first):
                _wait(f"http://127.0.0.1:{process.port}/matkluster/_stcore/health")
            _wait(f"http://127.0.0.1:{listen}/matkluster/_stcore/health")
            for process in hosting.processes(found, per_organisation, first):  # each process warm
                asyncio.run(one_view(process.port, query, path="/matkluster"))
            return _measure(listen, [process.pid for process in running], counts, "/matkluster", query)
        finally:
            if nginx is not None:
                nginx.terminate()
                nginx.wait(timeout=10)
            for process in running:
                process.terminate()
                process.wait(timeout=10)


def main() -> None:
    counts = [1, 25, 50]
    for processes in (1, 2):
        results = run(counts, processes)
        alone = results[1]["median"] or float("nan")
        for count, row in results.items():
            median = row["median"]
            ratio = f"{median / alone:.1f}×" if median else "–"
            print(
                f"{processes} process(es), {count:>2} at once: {row['finished']}/{count} finished, "
                f"median {median or float('nan'):.2f} s ({ratio} one alone), worst {row['worst'] or float('nan'):.2f} s, "
                f"{row['cpu_per_view']:.3f} CPU-s per view"
            )


if __name__ == "__main__":
    main()
