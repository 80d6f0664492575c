"""Write Målbild's FICTIONAL example data: ``data/`` and ``examples/matkooperativ/data/``.

    .venv/bin/python scripts/make_example_data.py           # rewrite the files
    .venv/bin/python scripts/make_example_data.py --check   # exit 1 if a file would change

Everything written here is made up: member names, numbers, agreements, dates, evidence. It is
there so the dashboard has something to show before real data is in place, and it is drawn to
give a board a mixed picture on 2026-11-23 (some goals reached, some on track, some at risk,
some off track). The generator is deterministic: a fixed seed, no clock, no network, so running
it again rewrites every file byte for byte.

The baselines in ``targets.yaml`` are chosen to agree with these files; the script computes the
register values on 2025-12-31 and stops if they disagree with ``REGISTER_BASELINES`` below (and
with targets.yaml, when PyYAML is importable).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
COOP = ROOT / "examples" / "matkooperativ" / "data"

SEED = 20261123
AS_OF = dt.date(2026, 11, 23)  # the picture is drawn for this date; no observation is later
BASELINE_DATE = dt.date(2025, 12, 31)

KOMMUNER = {  # name: kommunkod (Södermanlands län)
    "Vingåker": "0428",
    "Gnesta": "0461",
    "Nyköping": "0480",
    "Oxelösund": "0481",
    "Flen": "0482",
    "Katrineholm": "0483",
    "Eskilstuna": "0484",
    "Strängnäs": "0486",
    "Trosa": "0488",
}
# Rough weights: where members are (larger municipalities have more food businesses).
KOMMUN_WEIGHTS = {
    "Vingåker": 5,
    "Gnesta": 8,
    "Nyköping": 20,
    "Oxelösund": 3,
    "Flen": 11,
    "Katrineholm": 13,
    "Eskilstuna": 16,
    "Strängnäs": 13,
    "Trosa": 8,
}
CATEGORIES = ("producer", "processor", "restaurant", "retail", "hospitality", "other")

# What the registers must give on 2025-12-31 (the baselines in targets.yaml).
REGISTER_BASELINES = {
    "members_total": 160,
    "members_restaurants": 12,
    "member_pages_usage_pct": 15.0,
    "members_profitability_pct": 25.0,
    "municipal_agreements": 2,
    "meeting_attendance_pct": 34.1,  # the year's three meetings together
}


# --- small helpers -----------------------------------------------------------------------------


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    days, year, month = [], start.year, start.month
    while True:
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        last = nxt - dt.timedelta(days=1)
        if last > end:
            return days
        if last >= start:
            days.append(last)
        year, month = nxt.year, nxt.month


def quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    return [day for day in month_ends(start, end) if day.month in (3, 6, 9, 12)]


def csv_text(rows: list[list], delimiter: str = ",", line_end: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def decimal_comma(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# --- members -----------------------------------------------------------------------------------

FIRST_PARTS = {
    "producer": [
        "Gårdsmejeriet",
        "Lammgården",
        "Äppelodlingen",
        "Grönsaksgården",
        "Biodlarna",
        "Ekogården",
        "Hönsgården",
        "Svampodlingen",
        "Betesgården",
        "Rapsodlarna",
        "Bärgården",
        "Fiskarna",
        "Nötköttsgården",
        "Kryddodlingen",
        "Potatisgården",
        "Viltgården",
        "Sparrisodlingen",
        "Humlegården",
        "Linsodlarna",
        "Örtagården",
    ],
    "processor": [
        "Charkuteriet",
        "Bageriet",
        "Musteriet",
        "Rökeriet",
        "Ysteriet",
        "Kvarnen",
        "Bryggeriet",
        "Glassfabriken",
        "Konserveriet",
        "Senapsmakarna",
        "Chokladfabriken",
        "Brännvinsbränneriet",
        "Saftstationen",
        "Pastafabriken",
    ],
    "restaurant": [
        "Krogen",
        "Bistron",
        "Gästgiveriet",
        "Matsalen",
        "Kafé Sjöboden",
        "Restaurang Ladan",
        "Vedugnskrogen",
        "Skafferiet",
        "Köket",
        "Hamnkrogen",
        "Lunchrummet",
        "Trädgårdskaféet",
    ],
    "retail": [
        "Gårdsbutiken",
        "Bondens bod",
        "Handelsboden",
        "Delikatessbutiken",
        "Torghandeln",
        "Saluhallen",
        "Lanthandeln",
        "Mathörnan",
    ],
    "hospitality": [
        "Gästgården",
        "Herrgårdspensionatet",
        "Vandrarhemmet",
        "Konferensgården",
        "Glampingen",
        "Sjöstugorna",
        "Vingården",
        "Upplevelsegården",
    ],
    "other": [
        "Matkonsulterna",
        "Hushållningsbyrån",
        "Måltidsbyrån",
        "Matfotografen",
        "Kylfrakt",
        "Förpackningsverkstaden",
        "Odlingsrådgivarna",
        "Livsmedelslabbet",
    ],
}
SURNAMES = [
    "Andersson",
    "Lindqvist",
    "Berglund",
    "Holmgren",
    "Sundberg",
    "Ekström",
    "Nordin",
    "Wikström",
    "Lundgren",
    "Forsberg",
    "Hedlund",
    "Sandberg",
    "Öberg",
    "Åkesson",
    "Björk",
    "Dahl",
    "Engström",
    "Fransson",
    "Granqvist",
    "Hägg",
    "Isaksson",
    "Jonsson",
    "Karlberg",
    "Löfgren",
    "Mattsson",
]
SURNAME_PARTS = {
    "producer": ["s Lantbruk", "s Gård", "s Trädgård", "s Fårfarm", "s Grönt", "s Ägg", "s Honung"],
    "processor": ["s Chark", "s Bageri", "s Musteri", "s Rökeri", "s Kvarn", "s Delikatesser"],
    "restaurant": ["s Kök", "s Krog", "s Bistro"],
    "retail": ["s Livs", "s Handel"],
    "hospitality": ["s Gästhem", "s Pensionat"],
    "other": ["s Konsult", "s Transport", "s Förpackning"],
}
SUFFIXES = ["AB", "AB", "AB", "HB", "ekonomisk förening", ""]


def name_pool(category: str, rng: random.Random) -> list[tuple[str, str]]:
    """Every (name, kommun) the category can have, shuffled: '<Part> i <Kommun> AB' or '<Surname>s <Part>'."""
    pool = []
    for kommun in KOMMUNER:
        for part in FIRST_PARTS[category]:
            suffix = rng.choice(SUFFIXES)
            pool.append((f"{part} i {kommun} {suffix}".strip(), kommun))
        for surname in SURNAMES:
            for part in SURNAME_PARTS[category]:
                pool.append((f"{surname}{part}", kommun))
    rng.shuffle(pool)
    # Prefer kommuner by weight: sort by a weighted random key (stable for the seed).
    keyed = [(rng.random() ** (1 / KOMMUN_WEIGHTS[kommun]), name, kommun) for name, kommun in pool]
    keyed.sort()  # ascending: pop() from the end takes the most likely first
    return [(name, kommun) for _, name, kommun in keyed]


class Member:
    def __init__(
        self,
        category: str,
        joined: dt.date,
        left: dt.date | None = None,
        reason: str = "",
        pages: str = "no",
        profit: str = "",
    ):
        self.category, self.joined, self.left, self.reason = category, joined, left, reason
        self.pages, self.profit = pages, profit
        self.name = self.kommun = self.member_id = ""
        self.logins: list[dt.date] = []
        self.answers: list[tuple[dt.date, str]] = []

    def active_on(self, day: dt.date) -> bool:
        return self.joined <= day and (self.left is None or self.left > day)


def make_members(rng: random.Random) -> list[Member]:
    members: list[Member] = []

    # A: the 160 members active on 2025-12-31, by category.
    active_2025 = {"producer": 68, "processor": 34, "restaurant": 12, "retail": 14, "hospitality": 18, "other": 14}
    group_a = [Member(category, dt.date(2000, 1, 1)) for category, n in active_2025.items() for _ in range(n)]
    rng.shuffle(group_a)
    # Join dates: 15 joined in 2024, 18 in 2025, the rest 2017-2023 (more in later years).
    for index, member in enumerate(group_a):
        if index < 15:
            member.joined = random_day(rng, dt.date(2024, 1, 10), dt.date(2024, 12, 15))
        elif index < 33:
            member.joined = random_day(rng, dt.date(2025, 1, 10), dt.date(2025, 12, 15))
        else:
            year = rng.choices(range(2017, 2024), weights=[3, 4, 5, 6, 7, 8, 9])[0]
            member.joined = random_day(rng, dt.date(year, 1, 10), dt.date(year, 12, 15))

    # Four of A leave in 2026: three for natural reasons, one for another reason. No restaurant.
    candidates = [m for m in group_a if m.category != "restaurant" and m.joined.year < 2025]
    leavers_2026 = rng.sample(candidates, 4)
    for member, reason, left in zip(
        leavers_2026,
        ("retired", "closed", "sold", "other"),
        (dt.date(2026, 2, 27), dt.date(2026, 5, 14), dt.date(2026, 8, 31), dt.date(2026, 9, 18)),
    ):
        member.left, member.reason = left, reason

    # Flags of A: 24 use the member pages, 40 report higher profitability; none of them leaves in 2026.
    staying = [m for m in group_a if m.left is None]
    for member in rng.sample(staying, 24):
        member.pages = "yes"
    profit_pool = rng.sample(staying, 40 + 62)
    for member in profit_pool[:40]:
        member.profit = "yes"
    for member in profit_pool[40:]:
        member.profit = "no"
    for member in leavers_2026:
        member.profit = rng.choice(["no", ""])
    members.extend(group_a)

    # B: 13 members who left in 2024 (6) and 2025 (7).
    leaves = [
        (2024, "closed"),
        (2024, "retired"),
        (2024, "retired"),
        (2024, "sold"),
        (2024, "other"),
        (2024, "merged"),
        (2025, "closed"),
        (2025, "closed"),
        (2025, "retired"),
        (2025, "sold"),
        (2025, "other"),
        (2025, "other"),
        (2025, "merged"),
    ]
    b_categories = [
        "producer",
        "processor",
        "producer",
        "retail",
        "hospitality",
        "processor",
        "restaurant",
        "producer",
        "producer",
        "other",
        "hospitality",
        "producer",
        "processor",
    ]
    for position, ((year, reason), category) in enumerate(zip(leaves, b_categories)):
        left = random_day(rng, dt.date(year, 1, 15), dt.date(year, 12, 10))
        if position == 11:  # joined in 2024, left in 2025 (the sixteenth join of 2024)
            joined = random_day(rng, dt.date(2024, 2, 1), dt.date(2024, 6, 30))
            left = random_day(rng, dt.date(2025, 3, 1), dt.date(2025, 11, 30))
        else:
            year_joined = rng.randint(2017, min(2023, left.year - 1))
            joined = random_day(rng, dt.date(year_joined, 1, 10), dt.date(year_joined, 12, 15))
        members.append(
            Member(
                category,
                joined,
                left,
                reason,
                pages="yes" if position == 3 else "no",
                profit=rng.choice(["no", "", ""]),
            )
        )

    # C: 14 joiners in 2026 so far (7 use the member pages from the start, 5 report higher profitability).
    c_categories = (
        ["producer"] * 5 + ["processor"] * 3 + ["restaurant"] * 2 + ["retail", "hospitality", "hospitality", "other"]
    )
    rng.shuffle(c_categories)
    join_days = sorted(random_day(rng, dt.date(2026, 1, 8), dt.date(2026, 11, 16)) for _ in c_categories)
    flags = [
        ("yes", "yes"),
        ("yes", ""),
        ("no", "yes"),
        ("yes", "no"),
        ("no", ""),
        ("yes", "yes"),
        ("no", ""),
        ("yes", ""),
        ("no", "yes"),
        ("no", "no"),
        ("yes", ""),
        ("no", "yes"),
        ("no", ""),
        ("no", ""),
    ]
    for category, joined, (pages, profit) in zip(c_categories, join_days, flags):
        members.append(Member(category, joined, pages=pages, profit=profit))

    # Names, unique across the register, and ids in order of joining.
    pools = {category: name_pool(category, rng) for category in CATEGORIES}
    members.sort(key=lambda m: (m.joined, m.category))
    used: set[str] = set()
    for number, member in enumerate(members, start=1):
        member.name, member.kommun = pools[member.category].pop()
        while member.name in used:  # "Anderssons Honung" may be drawn for two kommuner
            member.name, member.kommun = pools[member.category].pop()
        used.add(member.name)
        member.member_id = f"M{number:04d}"
    return members


def members_rows(members: list[Member]) -> list[list]:
    # Using the member pages and increased profitability are dated facts (logins.csv,
    # surveys.csv), not yes/no columns that would rewrite every past date when edited.
    header = ["member_id", "name", "category", "kommun", "joined", "left", "leave_reason"]
    return [header] + [
        [m.member_id, m.name, m.category, m.kommun, iso(m.joined), iso(m.left), m.reason] for m in members
    ]


# --- logins and the member survey ------------------------------------------------------------------

# The yearly member survey ("Har din lönsamhet ökat det senaste året?"): answered over three weeks.
SURVEYS = ((dt.date(2025, 12, 1), dt.date(2025, 12, 19)), (dt.date(2026, 10, 5), dt.date(2026, 10, 23)))
LAST_LOGIN_DAY = dt.date(2026, 11, 20)


def add_logins_and_answers(members: list[Member]) -> None:
    """Dated logins and survey answers that give the same picture the yes/no flags gave.

    A member marked as a user of the member pages logs in every 3–8 weeks from joining (or from
    2024) until leaving; six members who are not users logged in during 2024 only (so they count
    in 2024 and have lapsed by the baseline). Members with an answer in the example answer each
    survey held while they were members. A separate random stream keeps every other file as it was.
    """
    rng = random.Random(SEED + 13)
    lapsed = rng.sample([m for m in members if m.pages != "yes" and m.joined.year < 2024 and m.left is None], 6)
    for member in members:
        member.logins, member.answers = [], []
        end = min(member.left - dt.timedelta(days=1), LAST_LOGIN_DAY) if member.left else LAST_LOGIN_DAY
        if member.pages == "yes":
            day = max(member.joined, dt.date(2024, 1, 8)) + dt.timedelta(days=rng.randint(1, 20))
            while day <= end:
                member.logins.append(day)
                day += dt.timedelta(days=rng.randint(21, 56))
        elif member in lapsed:
            member.logins = sorted(random_day(rng, dt.date(2024, 1, 15), dt.date(2024, 11, 30)) for _ in range(3))
        if member.profit in ("yes", "no"):
            for start, stop in SURVEYS:
                if member.active_on(stop):
                    member.answers.append((random_day(rng, max(start, member.joined), stop), member.profit))


def logins_rows(members: list[Member]) -> list[list]:
    rows = sorted((day, m.member_id) for m in members for day in m.logins)
    return [["member_id", "date"]] + [[member_id, iso(day)] for day, member_id in rows]


def surveys_rows(members: list[Member]) -> list[list]:
    rows = sorted((day, m.member_id, answer) for m in members for day, answer in m.answers)
    return [["member_id", "date", "question", "answer"]] + [
        [member_id, iso(day), "increased_profitability", "ja" if answer == "yes" else "nej"]
        for day, member_id, answer in rows
    ]


# --- agreements --------------------------------------------------------------------------------

AGREEMENTS = [  # kommun, signed, ends, status
    ("Vingåker", None, None, "none"),
    ("Gnesta", dt.date(2023, 2, 1), dt.date(2025, 1, 31), "ended"),
    ("Nyköping", dt.date(2024, 3, 15), dt.date(2027, 3, 14), "active"),
    ("Oxelösund", None, None, "none"),
    ("Flen", None, None, "negotiating"),
    ("Katrineholm", dt.date(2026, 3, 10), dt.date(2028, 3, 9), "active"),
    ("Eskilstuna", dt.date(2025, 5, 20), None, "active"),
    ("Strängnäs", None, None, "none"),
    ("Trosa", None, None, "none"),
]


def agreements_rows() -> list[list]:
    rows = [["kommun", "kommunkod", "signed", "ends", "status"]]
    for kommun, signed, ends, status in AGREEMENTS:
        rows.append([kommun, KOMMUNER[kommun], iso(signed), iso(ends), status])
    return rows


def active_agreements(day: dt.date) -> int:
    return sum(1 for _, signed, ends, _ in AGREEMENTS if signed and signed <= day and (ends is None or ends > day))


# --- activities --------------------------------------------------------------------------------

# Meetings: (date, type, title, attendance % of active members, guests besides members)
MEETINGS = [
    (dt.date(2024, 4, 17), "annual_meeting", "Årsmöte 2024", 31, 4),
    (dt.date(2024, 4, 22), "food_meeting", "Sörmländskt Matmöte 2024", 29, 71),
    (dt.date(2024, 10, 14), "autumn_meeting", "Höstmöte 2024", 33, 3),
    (dt.date(2025, 4, 16), "annual_meeting", "Årsmöte 2025", 34, 5),
    (dt.date(2025, 4, 24), "food_meeting", "Sörmländskt Matmöte 2025", 33, 78),
    (dt.date(2025, 10, 13), "autumn_meeting", "Höstmöte 2025", 35.6, 2),
    (dt.date(2026, 4, 15), "annual_meeting", "Årsmöte 2026", 45, 6),
    (dt.date(2026, 4, 20), "food_meeting", "Sörmländskt Matmöte 2026", 42, 86),
    (dt.date(2026, 10, 12), "autumn_meeting", "Höstmöte 2026", 49, 4),
]

# Everything else: (date, type, title, participants or None, planned)
EVENTS = [
    # 2024
    (dt.date(2024, 2, 20), "training", "Digital utbildning: Prissättning av lokala produkter", 22, "no"),
    (dt.date(2024, 3, 9), "festival", "Korv & brödrunda 2024", 24, "no"),
    (dt.date(2024, 5, 25), "festival", "Aptitrundan vår 2024", 31, "no"),
    (dt.date(2024, 6, 1), "campaign", "Sommar i Sörmland 2024", 38, "no"),
    (dt.date(2024, 6, 29), "festival", "Sörmländsk matfest Eskilstuna 2024", 42, "no"),
    (dt.date(2024, 8, 9), "festival", "Mat & dryckesfestival Nyköping 2024", 55, "no"),
    (dt.date(2024, 9, 14), "festival", "Aptitrundan höst 2024", 29, "no"),
    (dt.date(2024, 9, 24), "training", "Digital utbildning: Sociala medier för matföretag", 18, "no"),
    (dt.date(2024, 10, 25), "festival", "Sörmländsk skördefest Nyköping 2024", 47, "no"),
    (dt.date(2024, 11, 4), "campaign", "Vilda Sörmland 2024", 19, "no"),
    (dt.date(2024, 11, 12), "training", "Digital utbildning: Livsmedelshygien i liten skala", 26, "no"),
    (dt.date(2024, 11, 20), "school_collaboration", "Råvarudag med restaurangskolan i Nyköping", 34, "no"),
    (dt.date(2024, 11, 25), "campaign", "Jul i Sörmland 2024", 44, "no"),
    (dt.date(2024, 12, 3), "training", "Digital utbildning: Offentlig upphandling för små leverantörer", 15, "no"),
    # 2025
    (dt.date(2025, 2, 11), "training", "Digital utbildning: Hur optimerar jag mitt medlemskap", 21, "no"),
    (dt.date(2025, 3, 8), "festival", "Korv & brödrunda 2025", 27, "no"),
    (dt.date(2025, 3, 18), "internal_newsletter", "Internt nyhetsbrev mars 2025", None, "no"),
    (dt.date(2025, 3, 25), "training", "Digital utbildning: Försäljning och säljkanaler", 19, "no"),
    (
        dt.date(2025, 4, 8),
        "school_collaboration",
        "Lokala råvaror i skolköket, restaurangskolan i Katrineholm",
        28,
        "no",
    ),
    (dt.date(2025, 5, 31), "festival", "Aptitrundan vår 2025", 33, "no"),
    (dt.date(2025, 6, 2), "campaign", "Sommar i Sörmland 2025", 41, "no"),
    (dt.date(2025, 6, 17), "internal_newsletter", "Internt nyhetsbrev juni 2025", None, "no"),
    (dt.date(2025, 6, 28), "festival", "Sörmländsk matfest Eskilstuna 2025", 46, "no"),
    (dt.date(2025, 8, 8), "festival", "Mat & dryckesfestival Nyköping 2025", 58, "no"),
    (dt.date(2025, 9, 13), "festival", "Aptitrundan höst 2025", 32, "no"),
    (dt.date(2025, 9, 16), "internal_newsletter", "Internt nyhetsbrev september 2025", None, "no"),
    (dt.date(2025, 9, 23), "training", "Digital utbildning: Krav och märkning", 24, "no"),
    (dt.date(2025, 10, 9), "other", "Uppstart branschkluster mejeri och dryck", 17, "no"),
    (dt.date(2025, 10, 21), "training", "Digital utbildning: Företagsekonomi för små matföretag", 16, "no"),
    (dt.date(2025, 10, 31), "festival", "Sörmländsk skördefest Nyköping 2025", 51, "no"),
    (dt.date(2025, 11, 3), "campaign", "Vilda Sörmland 2025", 23, "no"),
    (dt.date(2025, 11, 18), "school_collaboration", "Sörmländsk julbuffé med restaurangskolan i Eskilstuna", 31, "no"),
    (dt.date(2025, 11, 24), "campaign", "Jul i Sörmland 2025", 47, "no"),
    (dt.date(2025, 12, 2), "training", "Digital utbildning: Medlemssidorna steg för steg", 14, "no"),
    (dt.date(2025, 12, 9), "internal_newsletter", "Internt nyhetsbrev december 2025", None, "no"),
    # 2026: the plan's calendar, the six digital trainings, internal newsletters, schools, UF
    (dt.date(2026, 1, 20), "other", "Branschklustermöte mejeri och dryck", 15, "no"),
    (dt.date(2026, 2, 10), "training", "Digital utbildning: Hur optimerar jag mitt medlemskap", 26, "no"),
    (dt.date(2026, 2, 17), "internal_newsletter", "Internt nyhetsbrev februari 2026", None, "no"),
    (dt.date(2026, 3, 7), "festival", "Korv & brödrunda 2026", 29, "no"),
    (dt.date(2026, 3, 17), "training", "Digital utbildning: Sociala media", 23, "no"),
    (dt.date(2026, 3, 17), "internal_newsletter", "Internt nyhetsbrev mars 2026", None, "no"),
    (dt.date(2026, 3, 24), "school_collaboration", "Råvarudag med restaurangskolan i Nyköping", 36, "no"),
    (dt.date(2026, 4, 14), "internal_newsletter", "Internt nyhetsbrev april 2026", None, "no"),
    (dt.date(2026, 5, 12), "training", "Digital utbildning: Företagsekonomi – verksamhetsutveckling", 19, "no"),
    (dt.date(2026, 5, 19), "internal_newsletter", "Internt nyhetsbrev maj 2026", None, "no"),
    (dt.date(2026, 5, 30), "festival", "Aptitrundan vår 2026", 35, "no"),
    (dt.date(2026, 6, 1), "campaign", "Sommar i Sörmland 2026 (juni–augusti)", 43, "no"),
    (dt.date(2026, 6, 16), "internal_newsletter", "Internt nyhetsbrev juni 2026", None, "no"),
    (dt.date(2026, 6, 27), "festival", "Matfest Eskilstuna 2026", 48, "no"),
    (dt.date(2026, 8, 7), "festival", "Mat & dryckesfestival Nyköping 2026 (7–8 augusti)", 61, "no"),
    (dt.date(2026, 8, 18), "internal_newsletter", "Internt nyhetsbrev augusti 2026", None, "no"),
    (dt.date(2026, 9, 12), "festival", "Aptitrundan höst 2026 (12–13 september)", 34, "no"),
    (dt.date(2026, 9, 15), "internal_newsletter", "Internt nyhetsbrev september 2026", None, "no"),
    (dt.date(2026, 9, 22), "training", "Digital utbildning: Försäljning", 21, "no"),
    (dt.date(2026, 9, 29), "uf", "Första möte med UF Sörmland om samverkan", 6, "no"),
    (
        dt.date(2026, 10, 6),
        "school_collaboration",
        "Lokala råvaror i skolköket, restaurangskolan i Katrineholm",
        30,
        "no",
    ),
    (dt.date(2026, 10, 13), "internal_newsletter", "Internt nyhetsbrev oktober 2026", None, "no"),
    (dt.date(2026, 10, 30), "festival", "Skördefest Nyköping 2026", 53, "no"),
    (dt.date(2026, 11, 2), "campaign", "Vilda Sörmland 2026 (2–8 november)", 26, "no"),
    (dt.date(2026, 11, 17), "internal_newsletter", "Internt nyhetsbrev november 2026", None, "no"),
    (dt.date(2026, 11, 25), "training", "Digital utbildning: Krav och märkning", None, "yes"),
    (dt.date(2026, 12, 1), "campaign", "Jul i Sörmland 2026 (november–december)", None, "yes"),
    (
        dt.date(2026, 12, 3),
        "school_collaboration",
        "Sörmländsk julbuffé med restaurangskolan i Eskilstuna",
        None,
        "yes",
    ),
    (dt.date(2026, 12, 8), "training", "Digital utbildning: Medlemssidorna", None, "yes"),
    (dt.date(2026, 12, 15), "internal_newsletter", "Internt nyhetsbrev december 2026", None, "yes"),
]


# --- project activities and their participants (issue 24; fictional) ---------------------------

# date, project, work package, the funder's indicator it counts for ("" none), title
PROJECT_ACTIVITIES = [
    (dt.date(2023, 3, 15), "kismet", "fa1", "", "Uppstartsmöte med projektets partner"),
    (dt.date(2023, 10, 12), "kismet", "fa2", "RCO 84", "Pilot 1: Diet for a Green Planet i skolkök"),
    (dt.date(2024, 2, 8), "kismet", "fa2", "RCO 84", "Pilot 2: Klimatsmart meny i äldreomsorgen"),
    (dt.date(2024, 4, 17), "kismet", "fa2", "RCO 84", "Pilot 3: Lokal upphandling av grönsaker"),
    (dt.date(2024, 9, 30), "kismet", "fa3", "RCO 84", "Pilot 4: Nätverk för ekologiska producenter"),
    (dt.date(2025, 2, 12), "kismet", "fa2", "RCO 84", "Pilot 5: Matsvinnsmätning i förskolor"),
    (dt.date(2025, 4, 9), "kismet", "fa3", "RCO 84", "Pilot 6: REKO-ring på kommunal mark"),
    (dt.date(2025, 6, 11), "kismet", "fa3", "RCO 84", "Pilot 7: Skolodling tillsammans med lantbrukare"),
    (dt.date(2025, 9, 24), "kismet", "fa1", "RCO 84", "Pilot 8: Lokala livsmedel i kommunens beredskap"),
    (dt.date(2025, 11, 26), "kismet", "fa1", "RCO 116", "Verktygslåda för hållbara matmiljöer (gemensam lösning)"),
    (dt.date(2024, 9, 18), "strukturell", "wp1", "", "Dialogmöte med länets kostchefer"),
    (dt.date(2024, 11, 20), "strukturell", "wp2", "KLUSTER", "Branschträff: mejeri och ost"),
    (dt.date(2025, 2, 19), "strukturell", "wp2", "KLUSTER", "Branschträff: bageri och kvarn"),
    (dt.date(2025, 5, 14), "strukturell", "wp4", "", "Studiebesök för besöksnäringen: gårdsbutiker"),
    (dt.date(2025, 9, 10), "strukturell", "wp2", "KLUSTER", "Branschträff: grönsaksodlare"),
    (dt.date(2025, 10, 22), "strukturell", "wp1", "", "Matchmaking: offentliga kök möter producenter"),
    (dt.date(2025, 12, 3), "strukturell", "wp3", "", "Workshop: den sörmländska matidentiteten"),
    (dt.date(2026, 2, 25), "strukturell", "wp2", "KLUSTER", "Branschträff: kött och chark"),
    (dt.date(2026, 4, 15), "strukturell", "wp1", "", "Upphandlingsdag med kommunerna"),
    (dt.date(2026, 5, 20), "strukturell", "wp4", "", "Matturism: paketering av upplevelser"),
    (dt.date(2026, 9, 16), "strukturell", "wp2", "KLUSTER", "Branschträff: dryck"),
    (dt.date(2026, 10, 21), "strukturell", "wp3", "", "Seminarium: lokal mat i besöksnäringen"),
]
SORMLAND = ["Eskilstuna", "Flen", "Gnesta", "Katrineholm", "Nyköping", "Oxelösund", "Strängnäs", "Trosa", "Vingåker"]
_COMPANY_WORDS = (
    ["Gårds", "Mejeri", "Bageri", "Kvarn", "Ekologiska", "Lant", "Skogs", "Sjö", "Äng", "Berg"],
    ["butiken", "gården", "köket", "boden", "odlingen", "ladan", "kvarnen", "mejeriet"],
)


def participant_pool(rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """Fictional companies and the county's municipalities: name, org number, e-mail, kommun, kind."""
    pool = []
    names: set[str] = set()
    while len(pool) < 36:
        kommun = rng.choice(SORMLAND)
        name = f"{rng.choice(_COMPANY_WORDS[0])}{rng.choice(_COMPANY_WORDS[1])} i {kommun} AB"
        if name in names:
            continue
        names.add(name)
        number = f"559{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}"
        slug = re.sub(r"[^a-z]+", "", name.lower().translate(str.maketrans("åäö", "aao")))[:18]
        pool.append((name, number, f"info@{slug}.example", kommun, "företag"))
    for index, kommun in enumerate(SORMLAND):
        mail = f"kost@{kommun.lower().translate(str.maketrans('åäö', 'aao'))}.example"
        genitive = kommun if kommun.endswith(("a", "s")) else kommun + "s"
        pool.append((f"{genitive} kommun", f"212000-{index + 1:04d}", mail, kommun, "kommun"))
    return pool


def participants_rows() -> list[list]:
    """Which organisations took part in which project activity (own seed: other files unchanged)."""
    rng = random.Random(SEED + 24)
    pool = participant_pool(rng)
    companies = [row for row in pool if row[4] == "företag"]
    municipalities = [row for row in pool if row[4] == "kommun"]
    rows = []
    for day, project, _package, _indicator, title in PROJECT_ACTIVITIES:
        chosen = rng.sample(companies, rng.randint(3, 7)) + rng.sample(municipalities, rng.randint(1, 3))
        for name, number, email, kommun, kind in chosen:
            rows.append([iso(day), title, project, name, number, email, kommun, kind])
    rows.sort(key=lambda row: (row[0], row[1], row[3]))
    header = ["date", "activity", "project", "organisation", "org_number", "email", "kommun", "org_kind"]
    return [header] + rows


def activities_rows(members: list[Member]) -> tuple[list[list], dict[dt.date, float]]:
    rows = []
    attendance = {}
    for day, kind, title, percent, guests in MEETINGS:
        active = sum(m.active_on(day) for m in members)
        present = round(active * percent / 100)
        attendance[day] = round(100 * present / active, 1)
        rows.append([day, kind, title, present + guests, present, "no", "", "", ""])
    for day, kind, title, participants, planned in EVENTS:
        rows.append([day, kind, title, "" if participants is None else participants, "", planned, "", "", ""])
    organisations: dict[str, int] = {}
    for row in participants_rows()[1:]:
        organisations[row[1]] = organisations.get(row[1], 0) + 1
    for day, project, package, indicator, title in PROJECT_ACTIVITIES:
        rows.append([day, "other", title, organisations[title], "", "no", project, package, indicator])
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    header = ["date", "type", "title", "participants", "members_present", "planned", "project", "package", "indicator"]
    return [header] + [[iso(row[0])] + row[1:] for row in rows], attendance


# --- milestones (the project register and the observations that mark them done) ----------------

# metric id, project, package, Swedish title, due, done, evidence
PROJECT_MILESTONES = [
    (
        "kismet_fa1_communication_plan",
        "kismet",
        "fa1",
        "Intern kommunikationsplan för livsmedelsförsörjningsstrategin framtagen",
        dt.date(2025, 12, 31),
        dt.date(2025, 5, 28),
        "Kommunikationsplan v1.0, beslutad i styrgruppen 2025-05-28",
    ),
    (
        "kismet_fa2_dfgp_tools",
        "kismet",
        "fa2",
        "Verktyg och metoder för Diet for a Green Planet utvecklade och delade",
        dt.date(2025, 12, 31),
        dt.date(2025, 10, 15),
        "Metodstöd och verktygslåda publicerade på projektets webb",
    ),
    (
        "kismet_fa2_procurement",
        "kismet",
        "fa2",
        "Offentlig upphandling används för att stödja livsmedelsproduktion",
        dt.date(2025, 12, 31),
        dt.date(2025, 11, 20),
        "Upphandlingsunderlag för livsmedel med krav som gynnar lokal produktion",
    ),
    (
        "kismet_fa3_mapping",
        "kismet",
        "fa3",
        "Ekologiskt inriktade aktörer i livsmedelskedjan kartlagda och engagerade",
        dt.date(2025, 12, 31),
        dt.date(2024, 9, 30),
        "Aktörskartläggning Ekodistrikt Sörmland (rapport)",
    ),
    (
        "kismet_fa3_toolbox",
        "kismet",
        "fa3",
        "Den europeiska verktygslådan för ekodistrikt regionalt anpassad",
        dt.date(2025, 12, 31),
        dt.date(2025, 6, 12),
        "Regional version av verktygslådan, workshopdokumentation",
    ),
    (
        "kismet_fa3_action_plan",
        "kismet",
        "fa3",
        "Strategi och handlingsplan för omställning till lokala hållbara livsmedelssystem",
        dt.date(2025, 12, 31),
        None,
        "Utkast finns; ej fastställd vid projektets slut",
    ),
    (
        "strukturell_wp0_services",
        "strukturell",
        "wp0",
        "Matklustrets tjänster inventerade och saker/tjänster att sälja identifierade",
        dt.date(2025, 12, 31),
        dt.date(2025, 11, 27),
        "Tjänsteinventering, styrelsemöte 2025-11-27 § 5",
    ),
    (
        "strukturell_wp0_commitments",
        "strukturell",
        "wp0",
        "Matklustrets åtaganden och resursbehov för driften identifierade",
        dt.date(2026, 6, 30),
        None,
        "Arbete pågår; underlag ej klart",
    ),
    (
        "strukturell_wp0_business_models",
        "strukturell",
        "wp0",
        "Affärsmodeller för Matklustrets tjänster framtagna",
        dt.date(2026, 12, 31),
        None,
        "",
    ),
    (
        "strukturell_wp1_municipal_offer",
        "strukturell",
        "wp1",
        "Alla nio kommuner har träffats och erbjudits att bli ”Samverkanskommun”",
        dt.date(2026, 6, 30),
        dt.date(2026, 6, 11),
        "Minnesanteckningar från möten med de nio kommunerna",
    ),
    (
        "uf_collaboration",
        "strukturell",
        "wp1",
        "Samverkan med UF etablerad",
        dt.date(2026, 12, 31),
        None,
        "Första möte hölls 2026-09-29; avtal ej klart",
    ),
    (
        "strukturell_wp2_clusters_started",
        "strukturell",
        "wp2",
        "Branschkluster uppstartade",
        dt.date(2025, 12, 31),
        dt.date(2025, 10, 9),
        "Minnesanteckningar från uppstartsmöte, branschkluster mejeri och dryck",
    ),
    (
        "strukturell_wp2_cluster_organisation",
        "strukturell",
        "wp2",
        "Organisering och finansiering för branschklustren utvecklad",
        dt.date(2027, 3, 31),
        None,
        "",
    ),
    (
        "strukturell_wp3_food_meeting",
        "strukturell",
        "wp3",
        "Sörmländskt Matmöte 2026 genomfört",
        dt.date(2026, 4, 30),
        dt.date(2026, 4, 20),
        "Program och deltagarlista, Sörmländskt Matmöte 2026-04-20",
    ),
    (
        "strukturell_wp3_food_identity",
        "strukturell",
        "wp3",
        "Varumärkesuppbyggnad för den sörmländska matidentiteten och utvecklade kampanjveckor",
        dt.date(2027, 3, 31),
        None,
        "",
    ),
    (
        "strukturell_wp4_meal_experiences",
        "strukturell",
        "wp4",
        "Matklustrets roll inom besöksnäringen – måltidsupplevelser",
        dt.date(2027, 3, 31),
        None,
        "",
    ),
    (
        "strukturell_wp5_internal_routines",
        "strukturell",
        "wp5",
        "Rutiner för den interna kommunikationen skapade",
        dt.date(2026, 6, 30),
        dt.date(2026, 3, 12),
        "Kommunikationsrutin beslutad på styrelsemöte 2026-03-12",
    ),
    (
        "strukturell_wp5_web_services",
        "strukturell",
        "wp5",
        "Hemsidan och tjänsterna Tjänstetorget, Produktkatalogen och jobbtorget vidareutvecklade",
        dt.date(2026, 12, 31),
        None,
        "",
    ),
    (
        "strukturell_wp6_progress_report_2025",
        "strukturell",
        "wp6",
        "Lägesrapport och ekonomisk redovisning för 2025 inlämnad",
        dt.date(2026, 3, 31),
        dt.date(2026, 2, 26),
        "Inskickad lägesrapport med ekonomisk redovisning (kvittens från Region Sörmland)",
    ),
    (
        "strukturell_wp6_final_report",
        "strukturell",
        "wp6",
        "Slutrapport och ekonomisk slutredovisning inlämnad",
        dt.date(2027, 6, 30),
        None,
        "",
    ),
]
# Milestones of the association itself (no project): metric id, done, evidence.
OTHER_MILESTONES = [
    (
        "logistics_funding_application",
        dt.date(2026, 9, 30),
        "Ansökan om projektmedel för transporter och logistik inskickad (ansökningsbekräftelse)",
    ),
    ("stable_core_economy", None, ""),
    ("own_label", None, ""),
    ("gastronomic_award", None, ""),
]


def milestones_register_rows() -> list[list]:
    # The register is the one record of project milestones; its id column names the goal in
    # targets.yaml that reads the row (source: {register: milestones, ..., where: {id: ...}}).
    rows = [["project", "package", "milestone", "due", "done", "evidence", "id", "deviation"]]
    for metric_id, project, package, title, due, done, evidence in PROJECT_MILESTONES:
        rows.append([project, package, title, iso(due), iso(done), evidence, metric_id, DEVIATIONS.get(metric_id, "")])
    return rows


# Why a milestone was late or not delivered, as the coordinator writes it (a final report prints it).
DEVIATIONS = {
    "kismet_fa3_action_plan": (
        "Handlingsplanen remissbehandlas i kommunerna under våren 2026; beslut väntas efter projektets slut."
    ),
}


def milestones_observation_rows() -> list[list]:
    # Only the association's own milestones: project milestones live in the register alone.
    done = [(metric, day, evidence, "Kansliet") for metric, day, evidence in OTHER_MILESTONES if day]
    done.sort(key=lambda item: (item[1], item[0]))
    return [["metric", "date", "value", "note", "source"]] + [[m, iso(d), 1, e, s] for m, d, e, s in done]


# --- observation files -------------------------------------------------------------------------


def path_value(day: dt.date, anchors: list[tuple[dt.date, float]]) -> float:
    for (d0, v0), (d1, v1) in zip(anchors, anchors[1:]):
        if d0 <= day <= d1:
            return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
    raise ValueError(day)


def communication_rows(rng: random.Random) -> list[list]:
    months = month_ends(dt.date(2024, 1, 1), dt.date(2026, 10, 31))
    newsletter = [(dt.date(2024, 1, 31), 4850), (BASELINE_DATE, 6200), (dt.date(2026, 10, 31), 7100)]
    social = [(dt.date(2024, 1, 31), 8350), (BASELINE_DATE, 10400), (dt.date(2026, 10, 31), 10990)]
    notes = {
        dt.date(2024, 6, 30): "Kampanj: Sommar i Sörmland",
        dt.date(2025, 6, 30): "Kampanj: Sommar i Sörmland",
        dt.date(2025, 11, 30): "Kampanj: Vilda Sörmland",
        dt.date(2026, 3, 31): "Rensning av inaktiva adresser",
        dt.date(2026, 6, 30): "Prenumerantkampanj vid matfesterna",
    }
    rows = [["metric", "date", "value", "note", "source"]]
    anchors_exact = {d for d, _ in newsletter}
    for series, anchors, noise, source in (
        ("newsletter_subscribers", newsletter, 30, "Nyhetsbrevsverktyget, export"),
        ("social_followers", social, 40, "Facebook + Instagram + LinkedIn, summa"),
    ):
        for day in months:
            value = path_value(day, anchors)
            if day not in anchors_exact:
                value += rng.uniform(-noise, noise)
            if series == "newsletter_subscribers" and day == dt.date(2026, 3, 31):
                value -= 90  # a clean-up of inactive addresses
            rows.append(
                [
                    series,
                    iso(day),
                    round(value),
                    notes.get(day, "") if series == "newsletter_subscribers" else "",
                    source,
                ]
            )
    return rows


def organisation_text() -> str:
    """Wide form as Swedish Excel saves "CSV UTF-8": BOM, semicolons, decimal commas, CRLF."""
    rows = [["date", "office_fte", "project_staff_retained"]]
    fte = {2024: [0.5, 0.5, 0.5, 0.5], 2025: [0.5, 0.5, 0.75, 0.75], 2026: [0.75, 1.0, 1.0]}
    for day in quarter_ends(dt.date(2024, 1, 1), dt.date(2026, 9, 30)):
        quarter = (day.month - 1) // 3
        staff = "" if day < dt.date(2024, 9, 30) else "2"
        rows.append([iso(day), decimal_comma(fte[day.year][quarter]), staff])
    return "\ufeff" + csv_text(rows, delimiter=";", line_end="\r\n")


BUSINESS = [  # metric, date, value, note, source
    ("stores_local_food_pct", dt.date(2024, 10, 31), 55, "Årlig butiksinventering", "Matklustrets butiksinventering"),
    ("stores_local_food_pct", dt.date(2025, 10, 31), 58, "Årlig butiksinventering", "Matklustrets butiksinventering"),
    ("stores_local_food_pct", dt.date(2026, 10, 31), 62, "Årlig butiksinventering", "Matklustrets butiksinventering"),
    ("new_products_collab", dt.date(2024, 10, 31), 1, "Kumulativt sedan 2024", "Medlemsenkäten"),
    ("new_products_collab", dt.date(2025, 10, 31), 3, "Kumulativt sedan 2024", "Medlemsenkäten"),
    ("new_products_collab", dt.date(2026, 10, 31), 5, "Kumulativt sedan 2024", "Medlemsenkäten"),
    ("restaurants_local_food", dt.date(2024, 10, 31), 35, "Restauranginventering", "Matklustrets inventering"),
    ("restaurants_local_food", dt.date(2025, 10, 31), 38, "Restauranginventering", "Matklustrets inventering"),
    ("restaurants_local_food", dt.date(2026, 10, 31), 41, "Restauranginventering 2026", "Matklustrets inventering"),
    ("local_food_hubs", dt.date(2024, 10, 31), 2, "", "Matklustrets inventering"),
    ("local_food_hubs", dt.date(2025, 10, 31), 2, "", "Matklustrets inventering"),
    ("local_food_hubs", dt.date(2026, 10, 31), 3, "Ny hubb öppnad i Flen", "Matklustrets inventering"),
    ("food_businesses_sormland", dt.date(2023, 12, 31), 2310, "", "SCB Företagsregistret (uttag)"),
    ("food_businesses_sormland", dt.date(2024, 12, 31), 2342, "", "SCB Företagsregistret (uttag)"),
    ("food_businesses_sormland", dt.date(2025, 12, 31), 2356, "Publicerad våren 2026", "SCB Företagsregistret (uttag)"),
]


def business_rows() -> list[list]:
    return [["metric", "date", "value", "note", "source"]] + [[m, iso(d), v, n, s] for m, d, v, n, s in BUSINESS]


# --- the co-operative network example ----------------------------------------------------------


def coop_network_rows() -> list[list]:
    rows = [["metric", "date", "value", "note", "source"]]
    coops = [
        (dt.date(2025, 12, 31), 12),
        (dt.date(2026, 2, 28), 13),
        (dt.date(2026, 4, 30), 14),
        (dt.date(2026, 6, 30), 14),
        (dt.date(2026, 8, 31), 16),
        (dt.date(2026, 10, 31), 17),
    ]
    producers = [
        (dt.date(2025, 12, 31), 140),
        (dt.date(2026, 3, 31), 162),
        (dt.date(2026, 6, 30), 181),
        (dt.date(2026, 9, 30), 197),
    ]
    meetings = [
        dt.date(2026, 1, 21),
        dt.date(2026, 2, 18),
        dt.date(2026, 3, 18),
        dt.date(2026, 4, 15),
        dt.date(2026, 5, 20),
        dt.date(2026, 8, 19),
        dt.date(2026, 9, 16),
        dt.date(2026, 10, 21),
    ]
    rows += [["coops_in_network", iso(d), v, "", "Medlemslistan"] for d, v in coops]
    rows += [["producers_listed", iso(d), v, "", "Gemensamma producentlistan"] for d, v in producers]
    rows += [["network_meetings", iso(d), 1, "Nätverksträff (digital)", "Protokoll"] for d in meetings]
    rows += [
        ["knowledge_exchange_pct", iso(dt.date(2025, 12, 31)), 40, "", "Enkät till kooperativen"],
        ["knowledge_exchange_pct", iso(dt.date(2026, 6, 30)), 47, "", "Enkät till kooperativen"],
    ]
    rows += [
        [
            "starter_kit_published",
            iso(dt.date(2026, 5, 27)),
            1,
            "Matkooperativ på 5 minuter: startpaket publicerat på forumet",
            "Arbetsgruppen",
        ]
    ]
    return rows


def coop_funding_text() -> str:
    """Long form as Swedish Excel saves "CSV (semikolonavgränsad)": Windows-1252, ';', decimal comma."""
    rows = [
        ["metric", "date", "value", "note", "source"],
        ["funding_secured_ksek", "2025-12-31", "0", "Inga beviljade medel ännu", "Kassören"],
        ["funding_secured_ksek", "2026-03-31", "85,5", "Studieförbund: stöd till studiecirklar", "Kassören"],
        ["funding_secured_ksek", "2026-06-30", "312,5", "Beviljat: förstudie om gemensam logistik", "Kassören"],
        [
            "funding_secured_ksek",
            "2026-09-30",
            "312,5",
            "Ansökan om hållbar mat – skolmåltiden väntar på besked",
            "Kassören",
        ],
        ["coordinator_fte", "2025-12-31", "0", "Ingen anställd", "Kassören"],
        ["coordinator_fte", "2026-06-30", "0,25", "Samordnare anställd på deltid", "Kassören"],
        ["coordinator_fte", "2026-09-30", "0,4", "Utökad tjänst efter beviljad förstudie", "Kassören"],
    ]
    return csv_text(rows, delimiter=";", line_end="\r\n")


# --- writing and checking ----------------------------------------------------------------------

README_MARKER = (
    "FICTIONAL EXAMPLE DATA / PÅHITTADE EXEMPELDATA: every file in this folder is made up. "
    "The dashboard shows a notice while this file exists; delete it when real data is in place.\n"
)


def build() -> dict[Path, bytes]:
    rng = random.Random(SEED)
    members = make_members(rng)
    activities, attendance = activities_rows(members)
    add_logins_and_answers(members)
    files: dict[Path, bytes] = {
        DATA / "EXAMPLE_DATA": README_MARKER.encode("utf-8"),
        DATA / "members.csv": csv_text(members_rows(members)).encode("utf-8"),
        DATA / "logins.csv": csv_text(logins_rows(members)).encode("utf-8"),
        DATA / "surveys.csv": csv_text(surveys_rows(members), delimiter=";").encode("utf-8"),
        DATA / "agreements.csv": csv_text(agreements_rows()).encode("utf-8"),
        DATA / "activities.csv": csv_text(activities).encode("utf-8"),
        DATA / "participants.csv": csv_text(participants_rows()).encode("utf-8"),
        DATA / "milestones.csv": csv_text(milestones_register_rows()).encode("utf-8"),
        DATA / "metrics" / "communication.csv": csv_text(communication_rows(rng)).encode("utf-8"),
        DATA / "metrics" / "organisation.csv": organisation_text().encode("utf-8"),
        DATA / "metrics" / "business.csv": csv_text(business_rows()).encode("utf-8"),
        DATA / "metrics" / "milestones.csv": csv_text(milestones_observation_rows()).encode("utf-8"),
        COOP / "EXAMPLE_DATA": README_MARKER.encode("utf-8"),
        COOP / "metrics" / "network.csv": csv_text(coop_network_rows()).encode("utf-8"),
        COOP / "metrics" / "funding.csv": coop_funding_text().encode("cp1252"),
    }
    check_baselines(members, attendance)
    return files


def register_values(members: list[Member], attendance: dict[dt.date, float], day: dt.date) -> dict[str, float]:
    """The register measures as the example assumes them (share = 'yes' among active members)."""
    active = [m for m in members if m.active_on(day)]
    year = [m for m in members if m.joined.year == day.year and m.joined <= day]
    left = [m for m in members if m.left and m.left.year == day.year and m.left <= day]
    meetings = [d for d in attendance if d <= day]
    return {
        "members_total": len(active),
        "members_restaurants": sum(m.category == "restaurant" for m in active),
        "members_new": len(year),
        "members_left_unnatural": sum(m.reason == "other" for m in left),
        "member_pages_usage_pct": round(100 * sum(_logged_in(m, day) for m in active) / len(active), 2),
        "members_profitability_pct": round(100 * sum(_answered_yes(m, day) for m in active) / len(active), 2),
        "municipal_agreements": active_agreements(day),
        "meeting_attendance_pct": year_attendance(members, day),
        "latest_meeting_pct": attendance[max(meetings)] if meetings else float("nan"),
    }


def _logged_in(member: Member, day: dt.date, window: int = 365) -> bool:
    return any(0 <= (day - login).days < window for login in member.logins)


def _answered_yes(member: Member, day: dt.date, window: int = 400) -> bool:
    answers = [(when, answer) for when, answer in member.answers if 0 <= (day - when).days < window]
    return bool(answers) and max(answers)[1] == "yes"


def year_attendance(members: list[Member], day: dt.date) -> float:
    """The year's meetings together: members present summed over members on the meeting days."""
    present = active = 0
    for when, _kind, _title, percent, _guests in MEETINGS:
        if when.year == day.year and when <= day:
            members_then = sum(m.active_on(when) for m in members)
            present, active = present + round(members_then * percent / 100), active + members_then
    return round(100 * present / active, 1) if active else float("nan")


def check_baselines(members: list[Member], attendance: dict[dt.date, float]) -> None:
    values = register_values(members, attendance, BASELINE_DATE)
    wrong = {key: (values[key], expected) for key, expected in REGISTER_BASELINES.items() if values[key] != expected}
    if wrong:
        raise SystemExit(f"register baselines on {BASELINE_DATE} do not match: {wrong}")
    try:
        import yaml
    except ImportError:
        return
    if not (ROOT / "targets.yaml").is_file():
        return
    targets = yaml.safe_load((ROOT / "targets.yaml").read_text(encoding="utf-8"))
    by_id = {metric["id"]: metric for metric in targets["metrics"]}
    for metric_id, project, package, title, due, _, _ in PROJECT_MILESTONES:
        metric = by_id.get(metric_id)
        declared = metric and (metric.get("project"), metric.get("package"), metric["name"]["sv"], metric.get("due"))
        if declared != (project, package, title, due):
            raise SystemExit(
                f"milestone {metric_id}: targets.yaml has {declared}, the generator {(project, package, title, due)}"
            )
        expected_source = {"register": "milestones", "measure": "done_share_pct", "where": {"id": metric_id}}
        if metric.get("source") != expected_source:
            raise SystemExit(
                f"milestone {metric_id}: targets.yaml must read it from the register: source: {expected_source}"
            )
    for metric_id, _, _ in OTHER_MILESTONES:
        if by_id.get(metric_id, {}).get("kind") != "milestone":
            raise SystemExit(f"{metric_id} is not a milestone in targets.yaml")
    for metric in targets["metrics"]:
        if metric["id"] in REGISTER_BASELINES and metric.get("baseline"):
            if metric["baseline"]["value"] != REGISTER_BASELINES[metric["id"]]:
                raise SystemExit(
                    f"targets.yaml baseline of {metric['id']} is {metric['baseline']['value']}, "
                    f"the example registers give {REGISTER_BASELINES[metric['id']]}"
                )


def summary() -> str:
    rng = random.Random(SEED)
    members = make_members(rng)
    _, attendance = activities_rows(members)
    add_logins_and_answers(members)
    lines = []
    for day in (BASELINE_DATE, AS_OF):
        values = register_values(members, attendance, day)
        lines.append(f"{day}: " + ", ".join(f"{key}={value}" for key, value in values.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that would change")
    parser.add_argument(
        "--summary", action="store_true", help="print the register values on the baseline date and 2026-11-23"
    )
    args = parser.parse_args(argv)
    files = build()
    if args.summary:
        print(summary())
        return 0
    changed = [path for path, content in files.items() if not path.is_file() or path.read_bytes() != content]
    if args.check:
        for path in changed:
            print(f"would change: {path.relative_to(ROOT)}")
        return 1 if changed else 0
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
    print(f"{len(files)} files, {len(changed)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
