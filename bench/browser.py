"""The board's view in a real browser: seconds from navigation until the first goal row (the
overview) or the chart (the metric detail page) is on screen, in Debian's headless Chromium.

Each figure has a floor measured in the same run: a bare Streamlit page, served alike (same
``.streamlit/config.toml``, same machine, same browser), that draws one ``st.dataframe`` of the
overview's rows and one plotly chart of the detail page's series. The rows and the series are
computed here and handed to the floor as JSON, so the floor does no work of ours.

*Cold* is the first visit after the server starts, in a browser context with an empty cache;
*warm* is the median of later visits, each a new tab in a context that has the frontend cached
(a board member opening the link again). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import textwrap
import time
from pathlib import Path

from bench.run import AS_OF, CHROMIUM, CHROMIUM_ARGS, ROOT, dashboard_server

DETAIL_METRIC = "newsletter_subscribers"
TIMEOUT_MS = 120_000
# What "on screen" means, per page: the first row of the goal table, the chart's SVG, the grid.
FIRST_ROW = "tr[data-status]"
CHART = ".js-plotly-plot .main-svg"
GRID = '[data-testid="stDataFrame"]'

FLOOR_PAGE = textwrap.dedent('''
    """Floor: one st.dataframe of the overview's rows and one plotly chart, nothing else."""
    import json
    from pathlib import Path

    import pandas as pd
    import plotly.graph_objects as go
    import streamlit as st

    st.set_page_config(page_title="Floor", layout="wide")
    given = json.loads(Path(__file__).with_name("floor.json").read_text(encoding="utf-8"))
    st.dataframe(pd.DataFrame(given["rows"]), hide_index=True)
    figure = go.Figure(go.Scatter(x=given["dates"], y=given["values"], mode="lines+markers"))
    st.plotly_chart(figure)
''')


def floor_folder() -> Path:
    """A folder with the floor page, its data (the same rows and series) and the app's config."""
    from kpi.judge.rules import evaluate_all
    from kpi.read.load import load_dataset
    from kpi.show.meeting import goal_rows

    data = load_dataset(ROOT / "data", ROOT / "targets.yaml", today=AS_OF)
    rows = goal_rows(evaluate_all(data.config, data.series, AS_OF), data.config, "sv")
    series = data.series[DETAIL_METRIC]
    folder = Path(tempfile.mkdtemp(prefix="bench_floor_"))
    shutil.copytree(ROOT / ".streamlit", folder / ".streamlit")
    (folder / "floor.py").write_text(FLOOR_PAGE, encoding="utf-8")
    given = {
        "rows": [
            {
                "status": f"{row.icon} {row.word}",
                "goal": row.name,
                "value": f"{row.value_text} {row.date_text}".strip(),
                "target": row.target_text,
                "reason": row.reason,
            }
            for row in rows
        ],
        "dates": [str(day) for day in series.dates],
        "values": [float(value) for value in series.values],
    }
    (folder / "floor.json").write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8")
    return folder


def _visit(context, url: str, selectors: list[str]) -> list[float]:
    """Open ``url`` in a new tab: seconds until each selector is visible, from the navigation."""
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        seen = []
        for selector in selectors:
            page.locator(selector).first.wait_for(state="visible", timeout=TIMEOUT_MS)
            seen.append(time.perf_counter() - start)
        return seen
    finally:
        page.close()


def _measure_page(browser, url_of, selectors: list[str], runs: int, script: Path | None = None) -> dict:
    """Cold (fresh server, empty cache) and warm (median of ``runs``) seconds per selector."""
    with dashboard_server(script) as server:
        url = url_of(server.port)  # type: ignore[attr-defined]
        cold_context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            cold = _visit(cold_context, url, selectors)
        finally:
            cold_context.close()
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            _visit(context, url, selectors)  # fills the frontend cache of this context
            warm_runs = [_visit(context, url, selectors) for _ in range(runs)]
        finally:
            context.close()
    warm = [statistics.median(run[index] for run in warm_runs) for index in range(len(selectors))]
    return {"cold": dict(zip(selectors, cold)), "warm": dict(zip(selectors, warm)), "runs": runs}


def measure(runs: int = 5) -> dict:
    """The floor page, the overview and the metric detail page, each on a fresh server."""
    from playwright.sync_api import sync_playwright

    query = f"as_of={AS_OF.isoformat()}"
    folder = floor_folder()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                floor = _measure_page(
                    browser, lambda port: f"http://127.0.0.1:{port}/", [GRID, CHART], runs, script=folder / "floor.py"
                )
                overview = _measure_page(browser, lambda port: f"http://127.0.0.1:{port}/?{query}", [FIRST_ROW], runs)
                detail = _measure_page(
                    browser,
                    lambda port: f"http://127.0.0.1:{port}/metric?metric={DETAIL_METRIC}&{query}",
                    [CHART],
                    runs,
                )
            finally:
                browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "floor_table": {"cold": floor["cold"][GRID], "warm": floor["warm"][GRID]},
        "floor_chart": {"cold": floor["cold"][CHART], "warm": floor["warm"][CHART]},
        "overview": {"cold": overview["cold"][FIRST_ROW], "warm": overview["warm"][FIRST_ROW]},
        "detail": {"cold": detail["cold"][CHART], "warm": detail["warm"][CHART]},
        "runs": runs,
    }


def render(found: dict, fmt, ratio) -> list[str]:
    """The section's table: each page against its floor, warm and cold."""
    lines = [
        "### 5. The board's view in Chromium: seconds until the first goal row / the chart is on screen",
        "",
        "| page | until | cold (fresh server, empty cache) | warm (median) | floor cold | floor warm | ratio cold | ratio warm (goal ≤ 1.5×) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, what, floor in (
        ("overview", "first goal row", "floor_table"),
        ("detail", "the chart", "floor_chart"),
    ):
        ours, base = found[name], found[floor]
        lines.append(
            f"| {name} | {what} | {fmt(ours['cold'])} | {fmt(ours['warm'])} | {fmt(base['cold'])} | "
            f"{fmt(base['warm'])} | {ratio(ours['cold'], base['cold'])} | {ratio(ours['warm'], base['warm'])} |"
        )
    lines += [
        "",
        f"Floor: one `st.dataframe` of the overview's rows and one plotly chart of `{DETAIL_METRIC}`, served alike; "
        f"warm is the median of {found['runs']} visits. Goal for cold start: ≤ 2× the floor's cold run.",
        "",
    ]
    return lines
