"""Chart images for reports: the dashboard's own figures, drawn by kaleido in Debian's Chromium."""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kpi.report.content import ReportContent

# Chart images: wide enough for an A4 page at print quality, the app's own figure height.
CHART_WIDTH, CHART_HEIGHT, CHART_SCALE = 1000, 440, 1.6
_log = logging.getLogger(__name__)


def image_height(figure: dict) -> int:
    """The image's height in pixels: the report's chart height, or the height a figure asks for
    in ``layout.meta.report_height`` (a package timeline grows with its milestones)."""
    meta = (figure.get("layout") or {}).get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("report_height"), int):
        return int(meta["report_height"])
    return CHART_HEIGHT


def chromium_path() -> str | None:
    """The browser kaleido drives: ``$BROWSER_PATH``, else Debian's chromium, else one on PATH."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium") or shutil.which("google-chrome")


class ChartRenderer:
    """Plotly figures to images through one kaleido browser tab that stays open.

    kaleido's public ``calc_fig_sync`` reloads plotly.js in its tab after every image, which is
    three quarters of its cost (measured: 0.45 s per chart; 0.10 s without the reload, byte-
    identical images). A report draws up to fifty charts, so this renderer keeps one tab on a
    private event loop, reloads it only every ``RELOAD_EVERY`` images (to bound the page's
    memory), and serialises callers with a lock: one browser, one chart at a time, results
    never mixed between two people making reports at once. It uses kaleido 1.5 internals
    (pinned in requirements.txt); if they change, :func:`render` falls back to the public
    ``kaleido.start_sync_server`` / ``calc_fig_sync``, which is slower but equivalent.
    """

    RELOAD_EVERY = 25

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: Any = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._tab: Any = None
        self._tab_lock: asyncio.Lock | None = None
        self._rendered = 0
        self._fallback = False

    def render(self, figures: Iterable[dict], fmt: str, timeout: float = 60) -> list[bytes]:
        """Images of ``figures`` in order. ``figures`` may be a generator: each figure is sent to
        the browser as soon as it is built, so Python builds the next while Chromium draws."""
        with self._lock:
            if self._fallback:
                return [self._render_public(figure, fmt) for figure in figures]
            try:
                self._ensure_open(timeout)
            except (AttributeError, ImportError, TypeError) as exc:  # kaleido's internals moved
                _log.info("fast chart rendering unavailable (%s); using kaleido.calc_fig_sync", exc)
                self._fallback = True
                return [self._render_public(figure, fmt) for figure in figures]
            futures = []
            try:
                for figure in figures:
                    futures.append(asyncio.run_coroutine_threadsafe(self._render_one(figure, fmt, timeout), self._loop))
                return [future.result(timeout=timeout + 5) for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                self._close()  # a broken browser is started afresh next time
                raise

    def warm_up(self) -> None:
        """Start the browser in the background while the caller loads data (the CLI saves ~3 s).

        A failure here is only logged: :meth:`render` tries again and the report says why.
        """
        if self._tab is not None or self._fallback:
            return

        def start() -> None:
            with self._lock:
                try:
                    self._ensure_open(60)
                except Exception as exc:  # noqa: BLE001
                    _log.info("chart browser did not start in advance: %s", exc)

        threading.Thread(target=start, name="kpi-chart-warm-up", daemon=True).start()

    def _ensure_open(self, timeout: float) -> None:
        if self._tab is not None:
            return
        import kaleido  # noqa: F401 - fail early when kaleido is not installed
        from kaleido import _profiler  # noqa: F401
        from kaleido._utils import fig_tools  # noqa: F401

        path = chromium_path()
        if path and not os.environ.get("BROWSER_PATH"):
            os.environ["BROWSER_PATH"] = path
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kpi-chart-renderer", daemon=True)
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._open(timeout), self._loop).result(timeout=timeout)
        except BaseException:
            self._close()
            raise
        atexit.register(self.close)

    async def _open(self, timeout: float) -> None:
        import kaleido

        self._kaleido = kaleido.Kaleido(n=1, mathjax=False, timeout=timeout)
        await self._kaleido.open()
        self._tab = await self._kaleido._get_kaleido_tab()  # noqa: SLF001 - see the class docstring
        self._tab_lock = asyncio.Lock()
        self._rendered = 0

    async def _render_one(self, figure: dict, fmt: str, timeout: float) -> bytes:
        from kaleido import _profiler
        from kaleido._utils import fig_tools

        if self._tab_lock is None:
            raise RuntimeError("the chart browser is not open")
        async with self._tab_lock:  # one tab draws one figure at a time
            opts = dict(
                format=fmt, width=CHART_WIDTH, height=image_height(figure), scale=1 if fmt == "svg" else CHART_SCALE
            )
            spec = fig_tools.coerce_for_js(figure, None, opts)
            profile = _profiler.RenderTaskProfile(spec, None, self._tab.tab.target_id)
            image = await asyncio.wait_for(
                self._tab._calc_fig(spec, topojson=None, render_prof=profile, stepper=False),  # noqa: SLF001
                timeout,
            )
            self._rendered += 1
            if self._rendered % self.RELOAD_EVERY == 0:
                await self._tab.reload()
            return image

    @staticmethod
    def _render_public(figure: dict, fmt: str) -> bytes:
        import kaleido

        path = chromium_path()
        if path and not os.environ.get("BROWSER_PATH"):
            os.environ["BROWSER_PATH"] = path
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        return kaleido.calc_fig_sync(
            figure,
            opts=dict(
                format=fmt, width=CHART_WIDTH, height=image_height(figure), scale=1 if fmt == "svg" else CHART_SCALE
            ),
        )

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        loop, kaleido_object = self._loop, self._kaleido
        self._tab = self._kaleido = None
        if loop is None:
            return
        if kaleido_object is not None:
            try:
                asyncio.run_coroutine_threadsafe(kaleido_object.close(), loop).result(timeout=15)
            except BaseException as exc:  # noqa: BLE001 - closing a dead browser may fail; it is gone either way
                _log.debug("closing the chart browser: %s", exc)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._loop = self._thread = None


_renderer = ChartRenderer()


def warm_up_renderer() -> None:
    """Start the chart browser in the background (the CLI does this while the data loads)."""
    _renderer.warm_up()


def _render_figures(figures: Iterable[dict], fmt: str) -> list[bytes]:
    """All of a report's chart images in one call (tests replace this to simulate a failure)."""
    return _renderer.render(figures, fmt)


@dataclass
class ChartImages:
    """Images per metric id; ``failure`` says why there are none (the report then says so)."""

    images: dict[str, bytes]
    failure: str | None = None


def charted(content: ReportContent) -> list:
    """The statuses that get their own chart: every one, except a project's milestones, which
    are drawn together on their package's timeline."""
    if content.kind == "project":
        return [item for item in content.statuses if not item.metric.kind_of.done_or_not]
    return list(content.statuses)


def timeline_key(section: Any) -> str:
    return f"timeline:{section.id or ''}"


def chart_images(content: ReportContent, fmt: str = "jpeg") -> ChartImages:
    """Render each metric's dashboard figure (:func:`kpi.show.charts.metric_figure`) to an image, and
    for a project one milestone timeline per work package (:mod:`kpi.report.timeline`).

    A missing browser or a crash must never cost the coordinator the report: on any failure
    no chart is used, and the PDF and HTML say where each would have been and why.
    """
    from kpi.report.timeline import package_timeline_figure
    from kpi.show.charts import metric_figure

    data = content.chart_data()
    items = charted(content)
    sections = [section for section in content.package_sections() if section.milestones]
    if not items and not sections:
        return ChartImages({})
    keys = [item.id for item in items] + [timeline_key(section) for section in sections]

    def figures() -> Iterable[dict]:
        for item in items:
            yield metric_figure(data, item, content.lang).to_dict()
        for section in sections:
            yield package_timeline_figure(content, section).to_dict()

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rendered = _render_figures(figures(), fmt)
    except Exception as exc:  # noqa: BLE001 - any failure of the browser is reported in the report, not raised
        _log.warning("chart images failed: %s", exc)
        return ChartImages({}, failure=f"{type(exc).__name__}: {exc}"[:300])
    return ChartImages(dict(zip(keys, rendered)))
