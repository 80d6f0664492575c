"""Every dotted ``kpi.…`` name in the code and the docs resolves: a docstring or a doc that names a
module or function of an older layout sends the next developer to a place that is not there."""

from __future__ import annotations

import importlib
import re
import subprocess

import pytest

from tests.support import ROOT

NAME = re.compile(r"(?<![\w./-])kpi(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def referenced_names() -> dict[str, str]:
    """name → the first file that names it (tracked Python and Markdown files, fixtures aside)."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    found: dict[str, str] = {}
    for path in tracked:
        if not path.endswith((".py", ".md")) or path.startswith("tests/fixtures"):
            continue
        for name in NAME.findall((ROOT / path).read_text(encoding="utf-8")):
            found.setdefault(name.rstrip("."), path)
    return found


def resolves(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_there_are_references_to_check():
    assert len(referenced_names()) > 50


@pytest.mark.parametrize("name", sorted(referenced_names()))
def test_every_dotted_name_resolves(name):
    assert resolves(name), f"{name} (named in {referenced_names()[name]}) does not exist"
