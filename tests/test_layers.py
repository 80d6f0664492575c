"""The architecture, checked: nothing but kpi/cli/ imports the command line, the library never
imports Streamlit, prints or exits, and the public API resolves.

import-linter (run by .ci/run) checks the layer order, that ui/ sits on kpi/ and, with its
``acyclic_siblings`` contract, that no import cycle exists at any level of kpi/ or ui/ (grimp reads
every import, those inside functions included, so a cycle cannot hide behind a late import).
"""

from __future__ import annotations

import ast
from pathlib import Path

import kpi
from tests.support import ROOT

KPI = ROOT / "kpi"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every kpi module a file imports, at any depth of the file (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "kpi")
        elif (
            isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "kpi"
        ):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(
                    candidate
                    if (KPI.parent / (candidate.replace(".", "/") + ".py")).exists()
                    or (KPI.parent / candidate.replace(".", "/")).is_dir()
                    else node.module
                )
    return found


def test_only_the_cli_imports_the_cli():
    sources = [path for folder in ("kpi", "ui", "pages", "bench") for path in (ROOT / folder).rglob("*.py")]
    sources.append(ROOT / "app.py")
    offenders = [
        str(path.relative_to(ROOT))
        for path in sources
        if not path.is_relative_to(KPI / "cli")
        and path != KPI / "__main__.py"
        and any(name == "kpi.cli" or name.startswith("kpi.cli.") for name in imports_of(path))
    ]
    assert offenders == []


def test_the_library_has_no_streamlit_no_print_and_no_exit():
    offenders = []
    for path in KPI.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_cli = path.is_relative_to(KPI / "cli") or path == KPI / "__main__.py"
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(name.split(".")[0] == "streamlit" for name in names):
                    offenders.append(f"{path.name}: imports streamlit")
            if not in_cli and isinstance(node, ast.Call):
                func = node.func
                called = (
                    func.id
                    if isinstance(func, ast.Name)
                    else f"{getattr(func.value, 'id', '')}.{func.attr}"
                    if isinstance(func, ast.Attribute)
                    else ""
                )
                if called in ("print", "sys.exit", "exit", "quit"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {called}()")
    assert offenders == []


def test_the_public_api_resolves_lazily():
    assert set(kpi.__all__) >= {"load_dataset", "evaluate_all", "DataError", "build_report"}
    for name in kpi.__all__:
        assert getattr(kpi, name) is not None
    from kpi.judge.rules import evaluate_all

    assert kpi.evaluate_all is evaluate_all
