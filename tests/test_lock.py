"""The dependency tree is locked: a fresh machine installs exactly what was tested.

``requirements.txt`` (runtime) and ``requirements-dev.txt`` (tests and tools) are compiled from their
``.in`` files with hashes; both README commands install from them with ``--require-hashes``.
"""

from __future__ import annotations

import importlib.metadata
import re

import pytest

from tests.support import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\[\],-]+)==([^\s\\]+)")


def pins(name: str) -> dict[str, str]:
    found = {}
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            package = re.sub(r"\[.*\]", "", match.group(1)).lower().replace("_", "-")
            found[package] = match.group(2)
            assert "--hash=sha256:" in lines[index + 1], f"{name}: {package} has no hash"
    return found


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_package_of_the_tree_is_pinned_with_a_hash(name):
    locked = pins(name)
    assert len(locked) > 50  # the whole tree, not only what we import
    assert {"streamlit", "authlib", "httpx", "duckdb", "pandas"} <= set(locked)


def test_the_runtime_lock_agrees_with_the_test_lock():
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {package: dev.get(package) for package in runtime} == runtime


def test_what_is_installed_is_what_is_locked():
    dev = pins("requirements-dev.txt")
    wrong = {}
    for package, version in dev.items():
        try:
            installed = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[package] = (version, installed)
    assert wrong == {}
