"""The suite's own promise: browser tests run one after another on one xdist worker.

Two Chromiums and two dashboards at once on a two-core machine make the browser tests' timeouts
about the machine, not the app. The grouping once broke silently (pytest 9.2 with pytest-xdist
3.8.0, pytest-dev/pytest-xdist#1386) and browser tests ran side by side for a whole session, so
this runs a small suite through the same conftest hook and the same xdist options and checks
where each browser test ran.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.slow  # a subprocess suite: the full suite checks the layout, the quick one need not

_MODULE = textwrap.dedent(
    """
    import json, os, pathlib
    import pytest

    pytestmark = pytest.mark.browser

    @pytest.mark.parametrize("n", range(6))
    def test_where(n, request):
        out = pathlib.Path(os.environ["WHERE_OUT"]) / (request.node.path.stem + request.node.name + ".json")
        out.write_text(json.dumps({"worker": os.environ.get("PYTEST_XDIST_WORKER"), "id": request.node.nodeid}))
    """
)


def test_browser_tests_share_one_worker(tmp_path):
    suite = tmp_path / "suite"
    out = tmp_path / "out"
    suite.mkdir()
    out.mkdir()
    # The project's own hook, not a copy of it.
    (suite / "conftest.py").write_text("from tests.conftest import pytest_collection_modifyitems  # noqa: F401\n")
    for name in ("test_one.py", "test_two.py", "test_three.py"):
        (suite / name).write_text(_MODULE)
    (suite / "test_other.py").write_text("def test_other():\n    pass\n")
    (suite / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: one browser at a time\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--strict-markers", "-n", "2"]
        + ["--dist", "loadgroup", str(suite)],
        cwd=suite,
        env={"PYTHONPATH": str(ROOT), "WHERE_OUT": str(out), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    runs = [json.loads(path.read_text()) for path in out.glob("*.json")]
    assert len(runs) == 18
    assert len({run["worker"] for run in runs}) == 1, sorted((run["worker"], run["id"]) for run in runs)
    assert all(run["id"].endswith("@browser") for run in runs)
