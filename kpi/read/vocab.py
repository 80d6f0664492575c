"""The words a register cell may hold: the codes (category, leave reason, activity type, agreement status),
the Swedish words staff type for them, yes and no, and Sweden's municipalities.

Codes are stored in English (stable for targets.yaml and other tools); staff may type the Swedish
word, which is read as the code. Case, spaces and hyphens do not matter ("Årsmöte", "annual meeting").
"""

from __future__ import annotations

import csv
import difflib
import re
from functools import cache, lru_cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"

# --- allowed values ---------------------------------------------------------------------------------
# Codes are stored in English (stable for targets.yaml and other tools); staff may type the Swedish
# word, which is read as the code. Case, spaces and hyphens do not matter ("Årsmöte", "annual meeting").
CATEGORIES = ("producer", "processor", "restaurant", "retail", "hospitality", "other")
LEAVE_REASONS = ("closed", "retired", "sold", "merged", "other")
NATURAL_LEAVE_REASONS = ("closed", "retired", "sold", "merged")
ACTIVITY_TYPES = (
    "training",
    "festival",
    "campaign",
    "annual_meeting",
    "autumn_meeting",
    "food_meeting",
    "school_collaboration",
    "uf",
    "internal_newsletter",
    "other",
)
MEETING_TYPES = ("annual_meeting", "autumn_meeting", "food_meeting")
AGREEMENT_STATUSES = ("active", "negotiating", "ended", "none")
# An agreement with one of these statuses has been signed; its dates say when it was in force.
SIGNED_STATUSES = ("active", "ended")
MILESTONE_STATES = ("overdue", "open", "done")
FLAG_COLUMNS = ("uses_member_pages", "increased_profitability")
# A dated flag (a last login, the date of a survey answer) counts for this many days; so does a
# login or a survey answer in the dated registers, unless a metric sets ``source.window_days``.
FLAG_VALID_DAYS = 365
WINDOW_DAYS = 365
FAR_FUTURE_YEARS = 2

_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "category": {
        "producer": ("producent", "primärproducent", "lantbrukare", "odlare"),
        "processor": ("förädlare", "förädling", "livsmedelsförädlare"),
        "restaurant": ("restaurang", "krog", "café", "kafé"),
        "retail": ("handel", "butik", "dagligvaruhandel", "gårdsbutik"),
        "hospitality": ("besöksnäring", "turism", "upplevelse"),
        "other": ("övrigt", "övriga", "annat", "annan"),
    },
    "leave_reason": {
        "closed": ("nedlagd", "lagt_ned", "lade_ned", "upphört", "stängd", "avvecklad"),
        "retired": ("pension", "pensionerad", "pensionering"),
        "sold": ("såld", "sålt", "försäljning"),
        "merged": ("sammanslagen", "sammanslagning", "fusion", "fusionerad"),
        "other": ("annat", "övrigt", "annan", "utträde", "egen_begäran"),
    },
    "type": {
        "training": ("utbildning", "kurs", "webbinarium"),
        "festival": ("matfest", "festival", "skördefest", "mataktivitet"),
        "campaign": ("kampanj", "temakampanj"),
        "annual_meeting": ("årsmöte",),
        "autumn_meeting": ("höstmöte",),
        "food_meeting": ("matmöte", "sörmländskt_matmöte"),
        "school_collaboration": ("skolsamverkan", "restaurangskola", "skola"),
        "uf": ("ung_företagsamhet", "ung_företagsverksamhet"),
        "internal_newsletter": ("internt_nyhetsbrev", "nyhetsbrev", "medlemsbrev"),
        "other": ("övrigt", "annat", "övrig"),
    },
    "status": {
        "active": ("aktiv", "aktivt", "gällande", "signed", "signerat", "tecknat"),
        "negotiating": ("förhandling", "under_förhandling", "dialog", "pågående", "planned", "planerat"),
        "ended": ("avslutad", "avslutat", "upphört", "uppsagt", "expired", "utgånget"),
        "none": ("inget", "ingen", "inget_avtal", "saknas", "nej"),
    },
}
CODES = {"category": CATEGORIES, "leave_reason": LEAVE_REASONS, "type": ACTIVITY_TYPES, "status": AGREEMENT_STATUSES}
_YES = {"yes", "ja", "j", "y", "true", "sant", "x", "1"}
_NO = {"no", "nej", "n", "false", "falskt", "0"}


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


@cache
def _code_lookup(column: str) -> dict[str, str]:
    lookup = {code: code for code in CODES[column]}
    for code, words in _ALIASES[column].items():
        lookup.update({_key(word): code for word in words})
    return lookup


def normalise_code(column: str, text: str) -> str | None:
    """The code for a typed value (``"Restaurang"`` → ``"restaurant"``), or ``None`` if unknown."""
    return _code_lookup(column).get(_key(text))


def yes_no(text: str | None) -> str | None:
    """``"yes"``/``"no"`` for the ways people write it (ja, nej, x, 1 …); ``None`` when empty or unknown."""
    if text is None or not str(text).strip():
        return None
    key = _key(str(text))
    return "yes" if key in _YES else "no" if key in _NO else None


# --- municipalities ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def municipalities() -> dict[str, str]:
    """All 290 Swedish municipalities, ``{kommunkod: name}`` (SCB, see kpi/assets/ATTRIBUTION.md).

    The whole country, not only Sörmland: a member may be based in a neighbouring county, and
    another organisation may use the registers; a misspelling is still caught.
    """
    with (ASSETS / "kommuner.csv").open(encoding="utf-8", newline="") as handle:
        return {row["kommunkod"]: row["kommun"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _kommun_lookup() -> dict[str, str]:
    lookup = {}
    for code, name in municipalities().items():
        lookup[code] = code
        lookup[name.casefold()] = code
    return lookup


def normalise_kommun(text: str) -> str | None:
    """The kommunkod for ``Nyköping``, ``nyköpings kommun`` or ``0480``; ``None`` if not a municipality."""
    lookup = _kommun_lookup()
    key = re.sub(r"\s+", " ", text.strip().casefold())
    if key.isdigit() and len(key) == 3:
        key = "0" + key  # Excel drops the leading zero of 0480
    key = key.removesuffix(" kommun").strip()
    if key in lookup:
        return lookup[key]
    if key.endswith("s") and key[:-1] in lookup:  # "Nyköpings kommun"
        return lookup[key[:-1]]
    return None


def kommun_suggestion(text: str) -> str | None:
    names = list(municipalities().values())
    match = difflib.get_close_matches(text.strip().title(), names, n=1, cutoff=0.75)
    return match[0] if match else None


def project_id(projects: dict, text: str) -> str | None:
    """A project named by its id or by its name in either language, as staff may write it."""
    key = text.casefold()
    for project_id, project in projects.items():
        if key in {project_id.casefold(), project.name.sv.casefold(), (project.name.en or "").casefold()}:
            return project_id
    return None


def package_id(packages: dict, text: str) -> str | None:
    key = text.casefold()
    for package_id, package in packages.items():
        if key in {package_id.casefold(), package.name.sv.casefold(), (package.name.en or "").casefold()}:
            return package_id
    return None
