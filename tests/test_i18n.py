"""One translation table, both languages complete; numbers and dates in each language's format."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

from kpi.text.i18n import format_date, format_number, format_signed, normalise_language, t, translations

ROOT = Path(__file__).resolve().parent.parent


def test_every_key_has_both_languages_and_same_placeholders():
    for key, texts in translations().items():
        assert texts["sv"].strip() and texts["en"].strip(), key
        assert set(re.findall(r"{(\w+)}", texts["sv"])) == set(re.findall(r"{(\w+)}", texts["en"])), key


def test_every_key_used_in_code_exists():
    used = set()
    for path in [
        *(ROOT / "kpi").rglob("*.py"),
        *(ROOT / "ui").rglob("*.py"),
        *(ROOT / "pages").glob("*.py"),
        ROOT / "app.py",
    ]:
        if path.exists():
            used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if key not in translations())
    assert missing == []


def test_swedish_and_english_numbers():
    assert format_number(7100, "sv") == "7\u00a0100"
    assert format_number(7100, "en") == "7,100"
    assert format_number(1.04, "sv", 2) == "1,04"
    assert format_number(None, "sv") == "–"
    assert format_signed(-3, "sv") == "−3" and format_signed(120, "en") == "+120"


def test_dates():
    day = dt.date(2026, 11, 23)
    assert format_date(day, "sv", "long") == "23 november 2026"
    assert format_date(day, "en", "long") == "23 November 2026"
    assert format_date(day, "sv", "iso") == "2026-11-23"


def test_language_fallback_and_status_words():
    assert normalise_language("EN-gb") == "en" and normalise_language("de") == "sv" and normalise_language(None) == "sv"
    assert t("status.on_track", "sv") == "På väg" and t("status.on_track", "en") == "On track"


def _code_strings() -> tuple[set[str], set[str]]:
    """Every string literal in the code (``@detail.x`` counts as ``detail.x``) and every literal
    prefix a key is built from (``"status." + code``, ``f"store.mode.{item}"``)."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    files = [
        *(ROOT / "kpi").rglob("*.py"),
        *(ROOT / "ui").rglob("*.py"),
        *(ROOT / "pages").glob("*.py"),
        ROOT / "app.py",
    ]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value.lstrip("@"))
                if re.fullmatch(r"@?[a-z0-9_]+(\.[a-z0-9_]+)*[._]", node.value):
                    prefixes.add(node.value.lstrip("@"))
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                first = node.values[0].value
                if isinstance(first, str) and re.fullmatch(r"[a-z0-9_.]+", first):
                    prefixes.add(first)
    return literals, {prefix for prefix in prefixes if len(prefix) > 3}


def test_every_key_in_the_table_is_used():
    """A key no code reaches is a word nobody reads: it goes (plural keys count by their base)."""
    literals, prefixes = _code_strings()
    unused = sorted(
        key
        for key in translations()
        if key not in literals
        and re.sub(r"\.(one|other)$", "", key) not in literals
        and not any(key.startswith(prefix) for prefix in prefixes)
    )
    assert unused == []
