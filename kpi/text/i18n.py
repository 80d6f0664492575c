"""One translation table and one way to format numbers and dates, in Swedish and English.

Every label a person reads comes from the YAML files in ``kpi/locales/`` (one file per feature,
merged into one table), so Swedish and English can never drift apart silently: a key missing in
one language is a test failure, not a blank on screen. Numbers and dates go through babel so that
Swedish gets a space as thousands separator and a decimal comma, and English gets its own.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.lists import format_list as _babel_format_list
from babel.numbers import format_decimal as _babel_format_decimal

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
_LOCALE_DIR = Path(__file__).parent / "locales"


class TranslationError(RuntimeError):
    """A locale file is broken or a key is missing: a defect in the project, not in user data."""


@lru_cache(maxsize=1)
def translations() -> dict[str, dict[str, str]]:
    """Merge every ``kpi/locales/*.yaml`` into one table ``{key: {"sv": ..., "en": ...}}``."""
    table: dict[str, dict[str, str]] = {}
    for path in sorted(_LOCALE_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        for key, texts in data.items():
            if key in table:
                raise TranslationError(f"{path.name}: key {key!r} is already defined in another locale file")
            if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
                raise TranslationError(f"{path.name}: key {key!r} needs exactly the languages {LANGUAGES}")
            table[key] = {lang: str(texts[lang]) for lang in LANGUAGES}
    return table


def normalise_language(lang: str | None) -> str:
    """Accept anything a URL or a CLI flag may carry and fall back to Swedish."""
    lang = (lang or DEFAULT_LANGUAGE).strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """Translate ``key`` and fill ``{placeholders}``; an unknown key is a programming error."""
    try:
        text = translations()[key][normalise_language(lang)]
    except KeyError as exc:
        raise TranslationError(f"no translation for {key!r}") from exc
    return text.format(**params) if params else text


@lru_cache(maxsize=4)
def _babel_locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES[normalise_language(lang)])


def plural(key: str, lang: str, count: int, **params: Any) -> str:
    """``1 rad`` / ``2 rader``: the CLDR plural category from babel picks ``key.one`` or ``key.other``.

    Swedish and English have only these two categories; a language with more would fall back to
    ``other``, never to a wrong singular.
    """
    category = _babel_locale(lang).plural_form(abs(count))
    return t(f"{key}.{'one' if category == 'one' else 'other'}", lang, count=count, **params)


def has_key(key: str) -> bool:
    return key in translations()


def format_number(value: float | int | None, lang: str = DEFAULT_LANGUAGE, decimals: int | None = None) -> str:
    """Format for people: ``7 100`` and ``1,04`` in Swedish, ``7,100`` and ``1.04`` in English.

    With ``decimals`` unset, whole numbers show no decimals and others up to one, which is what
    a board member reads fastest; pass ``decimals`` where precision matters (pace, shares).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _babel_format_decimal(value, format=pattern, locale=_LOCALES[normalise_language(lang)])


def format_signed(value: float | None, lang: str = DEFAULT_LANGUAGE, decimals: int | None = None) -> str:
    """A change, always with its sign (``+120``, ``−3``), so a reader never mistakes direction."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = format_number(abs(value), lang, decimals)
    if value > 0:
        return "+" + text
    if value < 0:
        return "−" + text
    return "±" + text


def format_date(value: dt.date | None, lang: str = DEFAULT_LANGUAGE, style: str = "medium") -> str:
    """``23 nov. 2026`` / ``23 Nov 2026``; ``style='iso'`` keeps ``2026-11-23`` for tables."""
    if value is None:
        return "–"
    if style == "iso":
        return value.isoformat()
    return _babel_format_date(value, format=style, locale=_LOCALES[normalise_language(lang)])


def format_list(items: list[str], lang: str = DEFAULT_LANGUAGE) -> str:
    """``2026 och 2030`` / ``2026 and 2030``: a list joined as the language joins it."""
    return _babel_format_list([str(item) for item in items], locale=_LOCALES[normalise_language(lang)]) if items else ""


def localized(text: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """Pick one language from a ``{sv, en}`` mapping or a model with those attributes."""
    lang = normalise_language(lang)
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    value = text.get(lang) if isinstance(text, dict) else getattr(text, lang, None)
    if not value:
        value = text.get("sv") if isinstance(text, dict) else getattr(text, "sv", "")
    return value or ""
