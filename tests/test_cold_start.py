"""Cold start: the overview imports only what it draws with (issue 17, goal 3).

Speed itself is measured in ``python -m bench`` (BENCHMARKS.md, sections 1 and 5); this pins the
cause that matters for it: the report stack (kaleido, fpdf2, openpyxl, xlsxwriter, the report
builders) and the sign-in client load only on the pages that use them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.slow

PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60)
at.run()
assert not at.exception, at.exception
print(json.dumps(sorted(sys.modules)))
"""
REPORT_STACK = ("kaleido", "fpdf", "openpyxl", "xlsxwriter", "kpi.report", "authlib")


def loaded_modules(page: str) -> set[str]:
    env = dict(os.environ, KPI_DATA_DIR=str(ROOT / "data"), KPI_TARGETS=str(ROOT / "targets.yaml"))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "pages" / page)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def stack_in(modules: set[str]) -> set[str]:
    return {name for name in REPORT_STACK if any(m == name or m.startswith(name + ".") for m in modules)}


def test_the_overview_does_not_import_the_report_stack():
    modules = loaded_modules("overview.py")
    assert "kpi.show.meeting" in modules  # the probe ran the page
    assert stack_in(modules) == set()


def test_the_reports_page_does_import_it_so_the_probe_can_see_it():
    assert "kpi.report" in stack_in(loaded_modules("reports.py"))
