"""``python -m bench``: how fast Målbild is, each figure against a floor measured in the same run.

Noisy machines still compare, because every goal is a ratio: the overview page against a bare
Streamlit page drawing as many ``st.metric`` as it has cards; loading and judging every metric
against DuckDB's own ``read_csv`` of the same files; many viewers against one. Each measurement
runs in a fresh Python process (``--worker``), so cold times and peak memory (RSS) are real.
The table is written to BENCHMARKS.md; ``--quick`` is a smoke run for CI (it runs; it asserts
nothing about time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 23)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


# --- workers: each runs in its own process --------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` belongs to the process's own address space,
    which ``exec`` makes anew; ``ru_maxrss`` is carried over from the parent across fork and exec,
    so a worker started by a big benchmark process would report the parent's peak as its own."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_floor(data_dir: str) -> dict:
    import duckdb

    files = sorted(str(p) for p in (Path(data_dir) / "metrics").glob("*.csv"))
    start = time.perf_counter()
    con = duckdb.connect()
    for index, path in enumerate(files):
        con.execute(f"CREATE TABLE t{index} AS SELECT * FROM read_csv(?)", [path])
    return {"seconds": time.perf_counter() - start, "rss_mb": _peak_rss_mb()}


def worker_load(data_dir: str, targets: str, as_of_count: int) -> dict:
    from kpi.judge.rules import evaluate_all
    from kpi.read.load import load_dataset

    start = time.perf_counter()
    dataset = load_dataset(Path(data_dir), Path(targets), today=AS_OF)
    loaded = time.perf_counter()
    statuses = evaluate_all(dataset.config, dataset.series, AS_OF)
    judged = time.perf_counter()
    as_of_seconds = None
    if as_of_count:
        dates = [AS_OF - dt.timedelta(days=7 * k) for k in range(as_of_count)]
        t0 = time.perf_counter()
        for when in dates:
            evaluate_all(dataset.config, dataset.series, when)
        as_of_seconds = time.perf_counter() - t0
    observations = sum(len(s) for s in dataset.series.values())
    return {
        "load": loaded - start,
        "status": judged - loaded,
        "seconds": judged - start,
        "metrics": len(statuses),
        "observations": observations,
        "as_of_seconds": as_of_seconds,
        "rss_mb": _peak_rss_mb(),
        "errors": sum(p.severity == "error" for p in dataset.problems),
    }


def worker_apptest(script: str, runs: int, env_json: str) -> dict:
    os.environ.update(json.loads(env_json))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(script, default_timeout=120)
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if at.exception:
        return {"error": str(at.exception[0].value)}
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    return {"cold": cold, "warm": statistics.median(warm), "metrics": len(at.metric)}


def worker_report(fmt: str, out: str) -> dict:
    from kpi import paths as config
    from kpi.read.load import load_dataset
    from kpi.report import build

    dataset = load_dataset(config.data_dir(), config.targets_path(), today=AS_OF)
    start = time.perf_counter()
    payload = build.build_report(dataset, fmt=fmt, as_of=AS_OF, scope="all", lang="sv")
    seconds = time.perf_counter() - start
    Path(out).write_bytes(payload)
    charts = sum(1 for m in dataset.config.metrics if m.kind == "metric")
    return {"seconds": seconds, "bytes": len(payload), "charts": charts, "rss_mb": _peak_rss_mb()}


WORKERS = {"floor": worker_floor, "load": worker_load, "apptest": worker_apptest, "report": worker_report}


def run_worker(name: str, *args, timeout: int = 900) -> dict:
    command = [sys.executable, "-m", "bench", "--worker", name, *[str(a) for a in args]]
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        return {"error": (result.stderr or result.stdout).strip().splitlines()[-1:] or ["failed"]}
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the measurements --------------------------------------------------------------------------


def measure_overview(runs: int) -> dict:
    """Overview page (AppTest) against two floors: a bare page drawing as many st.metric, and the
    browser benchmark's floor (one st.dataframe of the same rows and one plotly chart), whose
    cold run imports what any page with a table and a chart needs (pandas, plotly)."""
    from bench.browser import floor_folder

    env = {"KPI_DATA_DIR": str(ROOT / "data"), "KPI_TARGETS": str(ROOT / "targets.yaml")}
    page = run_worker("apptest", str(ROOT / "pages" / "overview.py"), runs, json.dumps(env))
    from kpi.read.targets import load_config

    count = len(load_config(ROOT / "targets.yaml").metrics)
    bare = Path(tempfile.mkdtemp()) / "bare.py"
    bare.write_text(
        textwrap.dedent(f"""
        import streamlit as st
        cols = st.columns(3)
        for i in range({count}):
            cols[i % 3].metric(f"Mätetal {{i}}", f"{{i * 100}}", f"+{{i}}")
    """),
        encoding="utf-8",
    )
    floor = run_worker("apptest", str(bare), runs, json.dumps({}))
    table = run_worker("apptest", str(floor_folder() / "floor.py"), runs, json.dumps({}))
    return {"page": page, "floor": floor, "table_floor": table, "cards": count}


def measure_scales(scales: list[int], as_of_scale: int, as_of_count: int) -> list[dict]:
    from bench.synthetic import write_synthetic

    rows = []
    for scale in scales:
        folder = Path(tempfile.mkdtemp(prefix=f"bench{scale}_"))
        data_dir, targets, written = write_synthetic(folder, scale)
        floor = run_worker("floor", data_dir)
        ours = run_worker("load", data_dir, targets, as_of_count if scale == as_of_scale else 0)
        rows.append({"scale": scale, "observations": written, "floor": floor, "ours": ours})
    return rows


def measure_reports(out_dir: Path) -> dict:
    results = {}
    for fmt in ("pdf", "xlsx"):
        results[fmt] = run_worker("report", fmt, out_dir / f"report.{fmt}")
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PAGE_TIMEOUT_S = 180


async def _open_pages(url: str, count: int, marker: str) -> list[float | None]:
    """Open ``count`` pages at once; seconds until each shows its first card (None: not in 180 s)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            contexts = [await browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(count)]

            async def one(context) -> float | None:
                page = await context.new_page()
                start = time.perf_counter()
                try:
                    await page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_S * 1000)
                    remaining = PAGE_TIMEOUT_S * 1000 - (time.perf_counter() - start) * 1000
                    await page.get_by_text(marker, exact=False).first.wait_for(timeout=max(remaining, 1))
                except Exception:  # a page that never shows its cards is the finding, not a crash
                    return None
                return time.perf_counter() - start

            return list(await asyncio.gather(*(one(c) for c in contexts)))
        finally:
            await browser.close()


@contextlib.contextmanager
def dashboard_server(script: Path | None = None, extra_env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """``streamlit run`` of ``script`` (the dashboard's app.py by default) on the example data and
    a free port, healthy, stopped at the end; yields the process (its ``port`` attribute is set)
    for the server benchmarks. Another script (a floor page) runs in its own folder, with a copy
    of the dashboard's ``.streamlit/config.toml`` so both pages are served alike."""
    script = script or ROOT / "app.py"
    port = _free_port()
    env = dict(
        os.environ, KPI_DATA_DIR=str(ROOT / "data"), KPI_TARGETS=str(ROOT / "targets.yaml"), KPI_TODAY=AS_OF.isoformat()
    )
    env.update(extra_env or {})
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script.name,
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
        ],
        cwd=script.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server.port = port  # type: ignore[attr-defined]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def measure_viewers(counts: list[int]) -> dict:
    """The real server with N headless Chromium pages opening the overview at once."""
    from kpi.read.targets import load_config

    marker = load_config(ROOT / "targets.yaml").metrics[0].name.sv
    results = {}
    with dashboard_server() as server:
        url = f"http://127.0.0.1:{server.port}/"  # type: ignore[attr-defined]
        asyncio.run(_open_pages(url, 1, marker))  # warm the frontend cache once
        for count in [1] + counts:
            times = asyncio.run(_open_pages(url, count, marker))
            shown = [value for value in times if value is not None]
            results[count] = {
                "median": statistics.median(shown) if shown else None,
                "worst": max(shown) if shown else None,
                "shown": len(shown),
                "pages": count,
            }
    return results


def measure_sessions(counts: list[int]) -> dict:
    """The real server with N sessions at once over its websocket, no browser (bench/sessions.py);
    and the same for the floor page (one st.dataframe and one plotly chart), which shows what
    Streamlit itself costs per session on this machine."""
    import shutil

    from bench import sessions
    from bench.browser import floor_folder

    query = f"as_of={AS_OF.isoformat()}"
    with dashboard_server() as server:
        ours = sessions.measure(server.port, server.pid, counts, query)  # type: ignore[attr-defined]
    folder = floor_folder()
    try:
        with dashboard_server(folder / "floor.py") as server:
            floor = sessions.measure(server.port, server.pid, counts, "")  # type: ignore[attr-defined]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"ours": ours, "floor": floor}


# --- the table ---------------------------------------------------------------------------------


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import duckdb
    import streamlit

    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB memory, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, Streamlit {streamlit.__version__}"
    )


def _s(value) -> str:
    return "–" if value is None else f"{value:.3f} s"


def _ratio(ours, floor) -> str:
    return "–" if not ours or not floor else f"{ours / floor:.2f}×"


def render(results: dict) -> str:
    lines = [f"Measured {results['when']} on: {results['machine']}.", ""]
    overview = results.get("overview")
    if overview:
        page, floor = overview["page"], overview["floor"]
        lines += [
            "### 1. Overview page (AppTest)",
            "",
            "| | cold | warm (median) |",
            "|---|---|---|",
            f"| overview, {overview['cards']} goals | {_s(page.get('cold'))} | {_s(page.get('warm'))} |",
            f"| floor: bare page, {overview['cards']} × st.metric | {_s(floor.get('cold'))} | {_s(floor.get('warm'))} |",
            f"| ratio | {_ratio(page.get('cold'), floor.get('cold'))} | {_ratio(page.get('warm'), floor.get('warm'))} |",
        ]
        table = overview.get("table_floor")
        if table:
            lines += [
                f"| floor: one st.dataframe of the same rows + one plotly chart | {_s(table.get('cold'))} | "
                f"{_s(table.get('warm'))} |",
                f"| ratio (goal: cold ≤ 2×) | {_ratio(page.get('cold'), table.get('cold'))} | "
                f"{_ratio(page.get('warm'), table.get('warm'))} |",
            ]
        lines.append("")
        if "error" in page:
            lines += [f"Overview failed: {page['error']}", ""]
    scales = results.get("scales")
    if scales:
        lines += [
            "### 2. Load + status of every metric, by data size (fresh process each)",
            "",
            "| scale | observations | metrics | floor: DuckDB read_csv | ours: load + status | ratio (goal ≤ 1.5× at ≥100×) | µs per observation | peak RSS ours / floor |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in scales:
            ours, floor = row["ours"], row["floor"]
            per = (ours.get("seconds") or 0) / max(row["observations"], 1) * 1e6
            lines.append(
                f"| {row['scale']}× | {row['observations']:,} | {ours.get('metrics', '–')} | {_s(floor.get('seconds'))} | "
                f"{_s(ours.get('seconds'))} (load {_s(ours.get('load'))}, status {_s(ours.get('status'))}) | "
                f"{_ratio(ours.get('seconds'), floor.get('seconds'))} | {per:.2f} | "
                f"{ours.get('rss_mb', 0):.0f} / {floor.get('rss_mb', 0):.0f} MB |"
            )
        lines.append("")
        as_of = next((row for row in scales if row["ours"].get("as_of_seconds") is not None), None)
        if as_of:
            lines += [
                "### 3. As-of: every status at many dates without reloading",
                "",
                f"{results['as_of_count']} as-of dates on the {as_of['scale']}× data "
                f"({as_of['ours']['metrics']} metrics): **{as_of['ours']['as_of_seconds']:.3f} s** in total "
                "(goal: under 1 s).",
                "",
            ]
    reports = results.get("reports")
    if reports:
        lines += [
            "### 4. Reports on the example data",
            "",
            "| format | seconds | size | charts | seconds per chart | peak RSS |",
            "|---|---|---|---|---|---|",
        ]
        for fmt, row in reports.items():
            if "error" in row:
                lines.append(f"| {fmt} | failed: {row['error']} | | | | |")
                continue
            per_chart = row["seconds"] / row["charts"] if row["charts"] else 0
            lines.append(
                f"| {fmt} | {_s(row['seconds'])} | {row['bytes'] / 1024:.0f} KiB | {row['charts']} | "
                f"{per_chart:.2f} s | {row['rss_mb']:.0f} MB |"
            )
        lines.append("")
    if results.get("browser"):
        from bench import browser

        lines += browser.render(results["browser"], _s, _ratio)
    viewers = results.get("viewers")
    if viewers:
        alone = viewers.get("1") or viewers.get(1)
        lines += [
            "### 6. Concurrent viewers (real server, headless Chromium, one browser, N contexts)",
            "",
            "| pages at once | showed their cards within 180 s | median until cards show | worst | worst vs one page alone |",
            "|---|---|---|---|---|",
        ]
        for count, row in sorted(viewers.items(), key=lambda kv: int(kv[0])):
            lines.append(
                f"| {count} | {row['shown']} of {row['pages']} | {_s(row['median'])} | {_s(row['worst'])} | "
                f"{_ratio(row['worst'], alone['median'])} |"
            )
        lines.append("")
    found = results.get("sessions")
    if found:
        ours, floor = found["ours"], found["floor"]
        alone, floor_alone = ours.get("1") or ours.get(1), floor.get("1") or floor.get(1)
        lines += [
            "### 7. Server capacity: N sessions at once over the websocket (no browser; bench/sessions.py)",
            "",
            "| sessions at once | finished | median per overview run | worst | median vs one alone | server CPU-s per view "
            "| floor page: median | floor: vs one alone | floor: CPU-s per view |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for count, row in sorted(ours.items(), key=lambda kv: int(kv[0])):
            base = floor.get(count) or floor.get(str(count)) or {}
            lines.append(
                f"| {count} | {row['finished']} of {row['sessions']} | {_s(row['median'])} | {_s(row['worst'])} | "
                f"{_ratio(row['median'], alone['median'])} | {row['cpu_per_view']:.3f} | {_s(base.get('median'))} | "
                f"{_ratio(base.get('median'), floor_alone.get('median'))} | {base.get('cpu_per_view', 0):.3f} |"
            )
        lines += [
            "",
            f"Goals: ≤ 0.05 CPU-s per overview view; median at 25 ≤ 3× one alone. "
            f"The overview sends {alone['deltas']} delta messages per view, the floor {floor_alone['deltas']}.",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        name, *args = argv[1:]
        function = WORKERS[name]
        converted = [int(a) if a.isdigit() else a for a in args]
        print(json.dumps(function(*converted)))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs: a smoke test for CI")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="folder for JSON and exports")
    parser.add_argument("--markdown", type=Path, default=None, help="write the table here (default: print only)")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["overview", "scales", "reports", "browser", "viewers", "sessions", "hostile"],
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    results = {
        "when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "as_of_count": 5 if args.quick else 50,
    }
    if "overview" not in args.skip:
        results["overview"] = measure_overview(runs=1 if args.quick else 5)
    if "scales" not in args.skip:
        scales = [1, 10] if args.quick else [1, 10, 100, 1000]
        results["scales"] = measure_scales(
            scales, as_of_scale=scales[-1] if args.quick else 100, as_of_count=results["as_of_count"]
        )
    if "reports" not in args.skip:
        results["reports"] = measure_reports(args.out)
    if "browser" not in args.skip:
        from bench import browser

        results["browser"] = browser.measure(runs=1 if args.quick else 7)
    if "viewers" not in args.skip:
        results["viewers"] = measure_viewers([] if args.quick else [10, 25])
    if "sessions" not in args.skip:
        results["sessions"] = measure_sessions([1, 3] if args.quick else [1, 10, 25, 50])
    if "hostile" not in args.skip:
        from bench import hostile  # issue 14: time and memory to refuse each hostile input

        results["hostile"] = hostile.measure(args.out)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    table = render(results)
    if results.get("hostile"):
        from bench import hostile

        table += "\n" + hostile.render(results["hostile"])
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    return 0
