"""The registers, defined once: the lists staff keep (members, agreements, activities, …).

A :class:`Register` holds everything the product needs to know about one list, as data: its file,
its columns and how each cell is read, the columns that name a row (for the diff and for merging
an import), whether it holds personal data (only roles that may see member data see its rows),
the columns shown in its "which ones?" tables, the columns a goal's ``where:`` may filter on and
the views (charts and lists) an area page offers for it. The register's row rules and measures
are behaviour over these data, in :mod:`kpi.read.registers` (keyed by the register's name), and
each view's drawing is in ``ui/sections.py`` (keyed by the view's name).

Adding a register: a :class:`Register` here; its row rules (``_rules_<name>``) and measures in
``kpi/read/registers.py``; its words in ``kpi/text/locales/registers.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Words:
    """A register's or column's name in both languages, for a register the translation table lacks."""

    sv: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.sv


ColumnKind = Literal["text", "date", "code", "kommun", "kommunkod", "yesno", "count", "flag", "done"]


@dataclass(frozen=True)
class Column:
    """One column of a register: how its cells are read and whether it may be missing or empty."""

    name: str
    kind: ColumnKind
    required: bool = False  # the column must be in the file's header
    needed: bool = False  # every row must have a value
    free_text: bool = False  # typed by people: shown as text, never as Markdown; may name a person
    label: Words | None = None  # the column's heading (else ``registers.col.<name>`` in the translations)


@dataclass(frozen=True)
class Register:
    """One list staff keep, with what every layer needs to know about it."""

    name: str
    file: str
    columns: tuple[Column, ...]
    filters: tuple[str, ...]  # columns a metric's ``where:`` may name
    keys: tuple[str, ...]  # the columns that name a row: the diff and an import's merge match on them
    personal: bool = False  # holds data about identifiable members: rows only for roles that may see them
    # The columns of the "which ones?" table behind a goal computed from it (``{flag}``: the goal's flag).
    shown: tuple[str, ...] = ()
    # The views an area page draws for it, in order (``registers: [name]`` on an area in targets.yaml);
    # ``register_list`` (the rows of the year up to the as-of date) serves any register with a date.
    views: tuple[str, ...] = ()
    # The column that dates each row (an event's day). A register with one gets the generic
    # measures without code: ``count`` (rows) and ``sum_<column>`` for each count column, both
    # counted by that date (``aggregation: year_to_date`` for "… this year").
    date_column: str | None = None
    # The register's name as people say it ("medlemsregistret"), else ``meeting.register.<name>``.
    title: Words | None = None

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def free_text_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.free_text)


REGISTERS: dict[str, Register] = {
    register.name: register
    for register in (
        Register(
            "members",
            "members.csv",
            (
                Column("member_id", "text", required=True, needed=True),
                Column("name", "text", required=True, free_text=True),
                Column("category", "code", required=True, needed=True),
                Column("kommun", "kommun", required=True, needed=True),
                Column("joined", "date", required=True, needed=True),
                Column("left", "date"),
                Column("leave_reason", "code"),
                Column("uses_member_pages", "flag"),
                Column("increased_profitability", "flag"),
            ),
            filters=("category", "kommun", "leave_reason"),
            keys=("member_id",),
            personal=True,
            shown=(
                "member_id",
                "name",
                "category",
                "kommun",
                "joined",
                "left",
                "leave_reason",
                "{flag}",
                "counted",
                "row",
            ),
            views=("members_over_time", "member_changes", "members_by", "member_list"),
        ),
        Register(
            "agreements",
            "agreements.csv",
            (
                Column("kommun", "kommun", required=True, needed=True),
                Column("kommunkod", "kommunkod"),
                Column("signed", "date", required=True),
                Column("ends", "date"),
                Column("status", "code", required=True, needed=True),
                Column("note", "text", free_text=True),
            ),
            filters=("kommun",),
            # Not the kommun alone: a municipality may have an ended agreement and a new one.
            keys=("kommun", "signed"),
            shown=("kommun", "kommunkod", "signed", "ends", "status", "row"),
            views=("agreements_map", "agreements_table"),
        ),
        Register(
            "activities",
            "activities.csv",
            (
                Column("date", "date", required=True, needed=True),
                Column("type", "code", required=True, needed=True),
                Column("title", "text", required=True, free_text=True),
                Column("participants", "count"),
                Column("members_present", "count"),
                Column("planned", "yesno"),
                Column("note", "text", free_text=True),
                # Optional: the project and work package an activity belongs to, and the funder's
                # indicator it counts for ("RCO 84"): a project's report lists and counts them.
                Column("project", "text", label=Words("Projekt", "Project")),
                Column("package", "text", label=Words("Arbetspaket", "Work package")),
                Column("indicator", "text", label=Words("Indikator", "Indicator")),
            ),
            filters=("type", "planned", "project", "package", "indicator"),
            keys=("date", "type", "title"),
            date_column="date",
            shown=("date", "type", "title", "participants", "members_present", "members", "attendance_pct", "row"),
            views=("activity_calendar", "attendance"),
        ),
        # The dated registers: one login a day per member, one answer per member, survey and question.
        Register(
            "logins",
            "logins.csv",
            (
                Column("member_id", "text", required=True, needed=True),
                Column("date", "date", required=True, needed=True),
            ),
            filters=(),
            keys=("member_id", "date"),
            personal=True,
        ),
        Register(
            "surveys",
            "surveys.csv",
            (
                Column("member_id", "text", required=True, needed=True),
                Column("date", "date", required=True, needed=True),
                Column("question", "text", required=True, needed=True),
                Column("answer", "yesno", required=True, needed=True),
            ),
            filters=("question",),
            keys=("member_id", "date", "question"),
            personal=True,
        ),
        Register(
            "milestones",
            "milestones.csv",
            (
                Column("project", "text", required=True, needed=True),
                Column("package", "text", required=True),
                Column("milestone", "text", required=True, needed=True),
                Column("due", "date", required=True, needed=True),
                Column("done", "done"),
                Column("evidence", "text", free_text=True),
                Column("id", "text"),  # optional: lets one goal in targets.yaml read exactly one milestone
                # Optional: why it was late, changed or not delivered (a final report prints it).
                Column("deviation", "text", free_text=True, label=Words("Avvikelse", "Deviation")),
            ),
            filters=("project", "package", "id"),
            keys=("project", "package", "milestone"),
            shown=("project", "package", "milestone", "due", "done", "status", "evidence", "row"),
            views=("milestone_progress", "milestone_timeline", "milestone_table"),
        ),
        # A register with no code of its own: its words are here, its rows are checked by their
        # columns' kinds, and it is counted by the generic measures of a dated register
        # (``count``, ``sum_stalls``, ``sum_visitors``) and listed by ``register_list``.
        Register(
            "market_days",
            "market_days.csv",
            (
                Column("date", "date", required=True, needed=True),
                Column("place", "text", required=True, needed=True, free_text=True, label=Words("Plats", "Place")),
                Column("stalls", "count", label=Words("Stånd", "Stalls")),
                Column("visitors", "count", label=Words("Besökare", "Visitors")),
                Column("note", "text", free_text=True),
            ),
            filters=("place",),
            keys=("date", "place"),
            views=("register_list",),
            date_column="date",
            title=Words("marknadsdagsregistret", "the market-day register"),
        ),
        # Which organisation took part in which project activity: the funder's participant list
        # ("deltagarlista") and the report's count by kind of organisation and kommun. Personal:
        # a contact's e-mail address names a person.
        Register(
            "participants",
            "participants.csv",
            (
                Column("date", "date", required=True, needed=True, label=Words("Datum", "Date")),
                Column(
                    "activity", "text", required=True, needed=True, free_text=True, label=Words("Aktivitet", "Activity")
                ),
                Column("project", "text", label=Words("Projekt", "Project")),
                Column(
                    "organisation",
                    "text",
                    required=True,
                    needed=True,
                    free_text=True,
                    label=Words("Organisation", "Organisation"),
                ),
                Column("org_number", "text", label=Words("Organisationsnummer", "Organisation number")),
                Column("email", "text", free_text=True, label=Words("E-post", "E-mail")),
                Column("kommun", "kommun", label=Words("Kommun", "Municipality")),
                Column("org_kind", "text", label=Words("Slag av organisation", "Kind of organisation")),
            ),
            filters=("project", "kommun", "org_kind"),
            keys=("date", "activity", "organisation"),
            personal=True,
            date_column="date",
            shown=("date", "activity", "organisation", "org_kind", "kommun", "row"),
            title=Words("deltagarregistret", "the participant register"),
        ),
        # The texts a coordinator writes for the funder's form: one per project, reporting period
        # and section (targets.yaml: a project's ``sections``). Saved like any data file.
        Register(
            "narratives",
            "narratives.csv",
            (
                Column("project", "text", required=True, needed=True, label=Words("Projekt", "Project")),
                Column("period", "text", required=True, needed=True, label=Words("Period", "Period")),
                Column("section", "text", required=True, needed=True, label=Words("Avsnitt", "Section")),
                Column("text", "text", required=True, free_text=True, label=Words("Text", "Text")),
            ),
            filters=(),
            keys=("project", "period", "section"),
            title=Words("rapporttexterna", "the report texts"),
        ),
    )
}
PERSONAL_REGISTERS = frozenset(name for name, register in REGISTERS.items() if register.personal)


def register(name: str) -> Register:
    """The register called ``name``; a KeyError names an unknown one."""
    return REGISTERS[name]
