"""Fixtures every test may use: a fixed "today", a copied data folder, one AppTest runner.

Builders and paths are in :mod:`tests.support` (a plain module, importable from any test).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kpi import clock
from kpi.model.targets import Metric
from tests.support import FIXTURES, ROOT, TODAY, metric


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every test runs on TODAY (2026-11-23), whatever the calendar says; so do the servers and
    command-line processes the tests start (they inherit ``KPI_TODAY``). A test that needs another
    day calls ``clock.set_today`` itself."""
    monkeypatch.setenv(clock.ENV, TODAY.isoformat())
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[..., tuple[Path, Path]]:
    """Copy ``tests/fixtures/<name>`` (data and targets.yaml) to a temporary folder, so a test may
    change it; returns ``(data folder, targets.yaml)``."""

    def copy(name: str = "basic", folder: Path | None = None) -> tuple[Path, Path]:
        target = folder or tmp_path / name
        shutil.copytree(FIXTURES / name, target, dirs_exist_ok=True)
        return target / "data", target / "targets.yaml"

    return copy


@pytest.fixture
def data(copy_fixture: Callable[..., tuple[Path, Path]], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of tests/fixtures/basic/data (its targets.yaml stays in place), with no
    editor password in the environment: the store's and the importer's tests change it freely."""
    monkeypatch.delenv("KPI_EDITOR_PASSWORD", raising=False)
    folder, _targets = copy_fixture("basic")
    return folder


@pytest.fixture
def use_data(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path, Path], None]:
    """Point the app and the CLI at a data folder and targets file (``KPI_DATA_DIR``/``KPI_TARGETS``)."""

    def use(data: Path, targets: Path) -> None:
        monkeypatch.setenv("KPI_DATA_DIR", str(data))
        monkeypatch.setenv("KPI_TARGETS", str(targets))

    return use


@pytest.fixture
def run_page() -> Callable[..., Any]:
    """Run one page (``"overview"``, ``"pages/x.py"`` or ``app.py``) in AppTest with query params; an
    area's URL path (``"members"``) runs the one area page (pages/area.py) for that area.

    Streamlit's caches are shared by every AppTest in the process, so they are cleared first.
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    def run(page: str, timeout: float = 30, unlocked_as: str | None = None, **params: str | None) -> Any:
        """``unlocked_as``: the session has unlocked editing with the shared password under that name
        (the fallback sign-in, which gives the administrator role); default: an anonymous visitor."""
        st.cache_resource.clear()
        st.cache_data.clear()
        path = ROOT / page if page.endswith(".py") else ROOT / "pages" / f"{page}.py"
        area = None
        if not path.is_file():  # an area's page ("members", "pages/members.py"): the one area page
            area, path = path.stem, ROOT / "pages" / "area.py"
        at = AppTest.from_file(str(path), default_timeout=timeout)
        if area is not None:
            at.session_state["_area_page"] = area
        if unlocked_as is not None:
            at.session_state["access_password_editor"] = unlocked_as
        for key, value in params.items():
            if value is not None:
                at.query_params[key] = value
        return at.run()

    return run


@pytest.fixture
def newsletter() -> Metric:
    return metric(
        id="newsletter_subscribers",
        baseline={"date": "2025-12-31", "value": 6200},
        targets=[{"date": "2026-12-31", "value": 7500}, {"date": "2030-12-31", "value": 11000}],
    )


@pytest.fixture
def register_page(use_data: Callable[[Path, Path], None], run_page: Callable[..., Any]) -> Callable[..., Any]:
    """A page over tests/fixtures/registers, run at an as-of date and language, by default for a
    signed-in viewer (lists of individual members are for the board and staff only)."""
    fixture = FIXTURES / "registers"
    use_data(fixture / "data", fixture / "targets.yaml")

    def runner(page: str) -> Callable[..., Any]:
        def run(as_of: str, lang: str = "sv", unlocked_as: str | None = "Anna") -> Any:
            return run_page(page, as_of=as_of, lang=lang, unlocked_as=unlocked_as)

        return run

    return runner


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns the group marks into its groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run one after another on one xdist worker: two Chromiums and two dashboards
    at once on a two-core machine would make their timeouts about the machine, not the app."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the datasets the run's pages cached (Streamlit's caches, the shared overview cache) and
    close their DuckDB connections before the interpreter tears DuckDB's bindings down: a
    connection still alive then is reported as "nanobind: leaked …" on the run's last lines."""
    import gc
    import sys

    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_resource.clear()
        st.cache_data.clear()
    state = sys.modules.get("ui.state")
    if state is not None:
        state._SHARED.clear()
    gc.collect()
    from kpi.read import tables

    tables._close_all()
