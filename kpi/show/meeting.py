"""The board's meeting view: one row per goal, worst first, each with one plain reason sentence.

The overview answers "where are we, and what moved?" in ten seconds on a projector. This module
prepares everything it shows, outside Streamlit, so the order, the sentences and the "since" date
are tested without a browser:

* :func:`goal_rows`: status icon and word, value and date, the target judged against, a progress
  bar from the *baseline* to that target with a mark where the value should be now, and a reason
  built from the :class:`~kpi.judge.rules.MetricStatus` fields (value, value_date, expected,
  next_target, eta, pace, status) — not from ``MetricStatus.explanation``, whose wording belongs
  to the rule's own page;
* :func:`since_choice`: the one "since" date of the page, the latest board pack before the as-of
  date when there is one, else the sidebar's comparison date (and the page says which);
* :func:`ordered_changes`: what moved since then, goals that got worse first, then new comments,
  then improvements.

Nothing here decides a status: that is ``kpi.judge.rules.evaluate`` alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi.judge.rules import STATUSES, MetricStatus, evaluate
from kpi.model.dataset import Dataset, Series
from kpi.model.status import ATTENTION, BOARD_ORDER, status
from kpi.model.targets import Config, Metric
from kpi.model.values import as_number
from kpi.show import packs
from kpi.show.changes import change_line, pack_title
from kpi.show.packs import BoardPack, Change
from kpi.show.status import STATUS_COLOURS, STATUS_ICONS, status_label
from kpi.show.views import (
    Bar,
    as_shown,
    format_estimate,
    format_value,
    judged_target,
    new_year_between,
    progress_bar,
    shown_decimals,
)
from kpi.text.i18n import format_date, plural, t

# The board's reading order (what needs attention first, then what goes well, then what is not
# yet judged) and how bad each status is, from the one status table.
ORDER = BOARD_ORDER


# --- the goal table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalRow:
    metric_id: str
    name: str
    area: str
    area_name: str
    status: str
    icon: str
    word: str
    label: str  # icon and word
    colour: str
    value_text: str
    date_text: str
    target_text: str
    bar: Bar | None
    reason: str
    attention: bool
    stale: bool


def sort_key(item: MetricStatus) -> tuple[int, float]:
    """Worst first; inside a status the goal furthest behind its plan first (lowest pace)."""
    pace = item.pace if item.pace is not None else float("inf")
    return ORDER.index(item.status), pace


def ordered(statuses: Iterable[MetricStatus]) -> list[MetricStatus]:
    """The goals in the board's reading order (stable: targets.yaml order inside equal keys)."""
    return sorted(statuses, key=sort_key)


def parse_statuses(text: str | None) -> list[str]:
    """``?status=off_track,at_risk`` → ``["off_track", "at_risk"]``; unknown words are dropped."""
    if not text:
        return []
    wanted = {part.strip() for part in str(text).split(",")}
    return [code for code in STATUSES if code in wanted]


def status_query(statuses: Iterable[str]) -> str:
    """The URL form of a status choice, in the rule's order (so one choice has one link)."""
    chosen = set(statuses)
    return ",".join(code for code in STATUSES if code in chosen)


def carried_from(metric: Metric, as_of: dt.date) -> int | None:
    """The year whose target a yearly count carries into ``as_of``'s year when the plan gives that
    year none (the rule judges against it; the board must not read it as the plan's own)."""
    if metric.aggregation != "year_to_date" or not metric.targets:
        return None
    years = [target.date.year for target in metric.targets]
    if as_of.year in years:
        return None
    earlier = [year for year in years if year < as_of.year]
    return earlier[-1] if earlier else None


def target_words(metric: Metric, value: float, lang: str) -> str:
    """A target as the plan says it: a number, or for a goal with a direction but no number "fler
    än 38" (its one target is its baseline, which is not what the goal asks for)."""
    shown = format_value(metric, value, lang)
    if metric.kind_of.by_growth:
        return t("board.more_than" if metric.direction == "increase" else "board.fewer_than", lang, value=shown)
    return shown


def _month(value: dt.date, lang: str) -> str:
    return format_date(value, lang, "LLLL y")


def reason(item: MetricStatus, lang: str) -> str:
    """One plain sentence (or two) on why the goal has its status, with the numbers that decide it.

    "10 950; enligt planen borde det vara 11 971 nu. Med nuvarande takt nås 12 500 i maj 2028."
    """
    metric = item.metric
    if metric.kind_of.done_or_not:
        if item.done_date:
            return t("meeting.reason_milestone_done", lang, date=format_date(item.done_date, lang))
        if metric.due is None:
            return t("meeting.reason_milestone_no_due", lang)
        key = "meeting.reason_milestone_late" if item.status == "off_track" else "meeting.reason_milestone_open"
        return t(key, lang, due=format_date(metric.due, lang))
    if item.unmeasured and item.value is not None and item.status in ("no_data", "on_track"):
        baseline = item.baseline.date if item.baseline else item.as_of
        return t(
            "board.reason_unmeasured",
            lang,
            value=format_value(metric, item.value, lang),
            date=format_date(item.value_date, lang),
            baseline=format_date(baseline, lang),
        )
    if item.status == "no_data" or item.value is None:
        return t("meeting.reason_no_data", lang, date=format_date(item.as_of, lang))
    value = format_value(metric, item.value, lang)
    judged = judged_target(item)
    target = target_words(metric, judged[1], lang) if judged else "–"
    if item.status == "reached":
        text = t("meeting.reason_reached", lang, value=value, target=target)
    elif item.status == "moving_away" and (item.pace is None or item.expected is None):
        start = item.baseline.value if item.baseline else 0.0
        if judged and judged[1] == start:  # the goal is to hold a level (no leavers): no way to go
            text = t("meeting.reason_away_hold", lang, value=value, target=target)
        else:
            text = t(
                "meeting.reason_away", lang, value=value, target=target, baseline=format_value(metric, start, lang)
            )
    elif item.missed is not None:
        text = t(
            "board.reason_missed",
            lang,
            target=target_words(metric, item.missed.value, lang),
            date=format_date(item.missed.date, lang),
            judged=format_value(metric, item.missed.value_at_date or 0.0, lang),
        )
        if item.missed.date != item.as_of:
            text += " " + t("board.reason_now", lang, value=value)
    elif item.expected is not None:
        expected = format_estimate(metric, item.expected, lang)
        key = "meeting.reason_on_plan" if item.status == "on_track" else "meeting.reason_behind"
        if item.expected_date is not None and item.expected_date != item.as_of:
            # The plan's figure is for the value's date: say which, not "now".
            key = "board.reason_on_plan_on" if item.status == "on_track" else "board.reason_behind_on"
            text = t(key, lang, value=value, expected=expected, date=format_date(item.expected_date, lang))
        else:
            text = t(key, lang, value=value, expected=expected)
    else:
        text = t("meeting.reason_value", lang, value=value)
    if item.status in ("at_risk", "off_track", "moving_away") and judged and item.trend is not None:
        if item.eta is not None:
            text += " " + t("meeting.reason_eta", lang, target=target, month=_month(item.eta, lang))
        elif item.eta_after is not None and metric.aggregation == "year_to_date":
            text += " " + t("board.reason_eta_not_this_year", lang, target=target)
        elif item.eta_after is not None:
            text += " " + t("board.reason_eta_after", lang, target=target, year=str(item.eta_after.year + 1))
        elif item.missed is not None:
            pass
        else:
            text += " " + t("meeting.reason_eta_never", lang, target=target)
    if item.stale and item.value_date is not None:
        text += " " + t("meeting.reason_stale", lang, date=format_date(item.value_date, lang))
    return text


def goal_row(item: MetricStatus, config: Config, lang: str) -> GoalRow:
    """One goal as the board's table shows it."""
    metric = item.metric
    if metric.kind_of.done_or_not:
        value_text = t("dashboard.milestone_done" if item.done_date else "dashboard.milestone_open", lang)
        date_text = format_date(item.done_date, lang) if item.done_date else ""
        target_text = t("meeting.target_due", lang, date=format_date(metric.due, lang)) if metric.due else "–"
    else:
        value_text = format_value(metric, item.value, lang) if item.value is not None else "–"
        date_text = format_date(item.value_date, lang) if item.value is not None else ""
        judged = judged_target(item)
        target_text = (
            t("meeting.target_by", lang, value=target_words(metric, judged[1], lang), date=format_date(judged[0], lang))
            if judged
            else "–"
        )
        carried = carried_from(metric, item.as_of)
        if judged and carried is not None:
            target_text += " " + t("board.target_carried", lang, year=str(carried))
    return GoalRow(
        metric_id=metric.id,
        name=metric.display_name(lang),
        area=metric.area,
        area_name=config.area_name(metric.area, lang),
        status=item.status,
        icon=STATUS_ICONS[item.status],
        word=t("status." + item.status, lang),
        label=status_label(item.status, lang),
        colour=STATUS_COLOURS[item.status],
        value_text=value_text,
        date_text=date_text,
        target_text=target_text,
        bar=progress_bar(item, lang),
        reason=reason(item, lang),
        attention=item.status in ATTENTION,
        stale=item.stale,
    )


def goal_rows(statuses: Iterable[MetricStatus], config: Config, lang: str) -> list[GoalRow]:
    """Every goal, worst first, ready to draw."""
    return [goal_row(item, config, lang) for item in ordered(statuses)]


def area_groups(rows: list[GoalRow], config: Config) -> list[tuple[str, str, list[GoalRow]]]:
    """``(area id, area name, rows)`` in the order of targets.yaml, each area still worst first."""
    groups = []
    for area_id in config.area_ids():
        members = [row for row in rows if row.area == area_id]
        if members:
            groups.append((area_id, members[0].area_name, members))
    return groups


# --- one "since" -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Since:
    """The one comparison date of the page and where it comes from."""

    date: dt.date
    pack: BoardPack | None
    heading: str  # "Sedan förra styrelsemötet, 12 okt. 2026" or "Sedan 23 aug. 2026 (...)"
    note: str  # says which date is used and why


def since_choice(data_dir: Path, as_of: dt.date, compare: dt.date, lang: str) -> Since:
    """The latest board pack strictly before ``as_of``; without one, the sidebar's comparison date."""
    pack = packs.latest_pack(data_dir, before=as_of)
    if pack is not None:
        return Since(
            pack.meeting_date,
            pack,
            t("meeting.since_meeting", lang, date=format_date(pack.meeting_date, lang)),
            t("meeting.since_meeting_note", lang, title=pack_title(pack, lang)),
        )
    return Since(
        compare,
        None,
        t("meeting.since_date", lang, date=format_date(compare, lang)),
        t("meeting.since_date_note", lang),
    )


def changes_between(before: list[MetricStatus], now: list[MetricStatus], lang: str) -> list[Change]:
    """Status and value changes between two evaluations (no pack: no comments)."""
    earlier = {item.id: item for item in before}
    found = []
    for item in now:
        old = earlier.get(item.id)
        change = Change(
            metric_id=item.id,
            name=item.metric.display_name(lang),
            old_status=old.status if old else None,
            new_status=item.status,
            old_value=None if old is None or old.value is None else as_number(old.value, 4),
            new_value=None if item.value is None else as_number(item.value, 4),
            old_comment="",
            new_comment="",
            decimals=item.metric.decimals,
        )
        if change.status_changed or change.value_changed:
            found.append(change)
    return found


def change_group(change: Change) -> int:
    """0 got worse, 1 a new comment, 2 got better, 3 only the value moved.

    A goal that had no figure (or did not exist) before counts as having been on track: its first
    figure is bad news when it needs attention, good news otherwise.
    """
    old = status("on_track").severity if change.old_status in (None, "no_data") else status(change.old_status).severity
    new = status(change.new_status).severity
    if new > old:
        return 0
    if change.comment_changed:
        return 1
    if new < old or change.old_status in (None, "no_data"):
        return 2
    return 3


def ordered_changes(changes: list[Change]) -> list[Change]:
    """Worse first (the worst new status first), then new comments, then improvements, then the rest."""
    return sorted(changes, key=lambda change: (change_group(change), -status(change.new_status).severity))


# The group of yearly counts that began again since the "since" date (listed after the rest).
NEW_YEAR = 4


def _as_shown(change: Change, metric: Metric) -> Change:
    """The change with both values rounded as they are printed, so "17,8 → 17,4" says "(−0,4)"
    and a change too small to see is no change (counts never show a decimal)."""
    decimals = shown_decimals(metric, change.old_value, change.new_value)
    return dataclasses.replace(
        change,
        old_value=as_shown(change.old_value, decimals),
        new_value=as_shown(change.new_value, decimals),
        decimals=decimals,
    )


def same_day_last_year(day: dt.date) -> dt.date:
    """The same point of the previous year (29 February → 28 February)."""
    return day.replace(year=day.year - 1, day=min(day.day, 28) if (day.month, day.day) == (2, 29) else day.day)


def _new_year_line(data: Dataset, metric: Metric, change: Change, as_of: dt.date, lang: str) -> str:
    """ "Utbildningar i år: nytt år; 0 hittills 2027 (1 vid samma tid 2026); ↗ På väg"."""
    earlier = same_day_last_year(as_of)
    last = evaluate(metric, data.series.get(metric.id, Series.empty()), earlier, data.config.status_thresholds).value
    return t(
        "board.change_new_year",
        lang,
        name=change.name,
        value=format_value(metric, change.new_value, lang),
        year=str(as_of.year),
        last=format_value(metric, last, lang),
        last_year=str(earlier.year),
        status=status_label(change.new_status, lang),
    )


@dataclass(frozen=True)
class ChangeGroup:
    heading: str
    lines: list[str]
    # 0 worse, 1 comments, 2 better, 3 only the value moved, 4 a yearly count began again; the
    # overview opens with 0–2 above the goal table and keeps 3–4 for after it.
    group: int = 0

    @property
    def first(self) -> bool:
        """Whether the board reads it first ("what got worse, what improved, new comments")."""
        return self.group in FIRST_GROUPS


FIRST_GROUPS = (0, 1, 2)


def since_changes(
    data: Dataset,
    now: list[MetricStatus],
    before: list[MetricStatus],
    since: Since,
    lang: str,
    comments: bool = True,
) -> list[ChangeGroup]:
    """What moved since the page's one date, in the board's order, grouped under short headings.

    ``comments=False`` (a viewer without the board's role) leaves the board's comments out.
    """
    if since.pack is not None:
        found = packs.changes_since(since.pack, now, lang=lang)
    else:
        found = changes_between(before, now, lang)
    if not comments:
        found = [dataclasses.replace(change, old_comment="", new_comment="") for change in found]
    metrics = {item.id: item.metric for item in now}
    as_of = now[0].as_of if now else since.date
    found = [
        _as_shown(change, metrics[change.metric_id]) if change.metric_id in metrics else change for change in found
    ]
    found = [change for change in found if change.status_changed or change.value_changed or change.comment_changed]
    groups: dict[int, list[str]] = {}
    for change in ordered_changes(found):
        metric = metrics.get(change.metric_id)
        if metric is not None and new_year_between(metric, since.date, as_of):
            # A yearly count began again on 1 January: neither better nor worse; compared with
            # the same point of the previous year instead.
            groups.setdefault(NEW_YEAR, []).append(_new_year_line(data, metric, change, as_of, lang))
            continue
        groups.setdefault(change_group(change), []).append(change_line(change, lang))
    if since.pack is not None and comments:  # the board's own comments at that meeting, in the goals' order
        names = {item.id: item.metric.display_name(lang) for item in now}
        said = [
            f"{names.get(metric_id, metric_id)}: {comment}"
            for metric_id, comment in since.pack.comments.items()
            if comment and metric_id in names
        ]
        if said:
            groups.setdefault(1, []).extend(said)
    keys = {
        0: "meeting.changes_worse",
        1: "meeting.changes_comments",
        2: "meeting.changes_better",
        3: "meeting.changes_values",
        NEW_YEAR: "board.changes_new_year",
    }
    return [ChangeGroup(plural(keys[group], lang, len(lines)), lines, group) for group, lines in sorted(groups.items())]


# --- the Projects page opens with what needs the board -------------------------------------------

# "Due soon": open milestones due within this many days of the as-of date (about two board meetings).
DUE_SOON_DAYS = 60


def overdue_or_due_soon(milestones: pd.DataFrame, as_of: dt.date, days: int = DUE_SOON_DAYS) -> pd.DataFrame:
    """The milestones of every project that are overdue or due within ``days``, overdue first
    (longest overdue first), then by due date; each row names its project and package.

    ``milestones`` is ``kpi.show.listings.milestones_table`` (status, project, package, due, …).
    """
    if milestones.empty:
        return milestones
    due = pd.to_datetime(milestones["due"]).dt.date
    soon = (milestones["status"] == "open") & (due <= as_of + dt.timedelta(days=days))
    chosen = milestones[(milestones["status"] == "overdue") | soon].copy()
    chosen["_order"] = (chosen["status"] != "overdue").astype(int)
    chosen["_due"] = pd.to_datetime(chosen["due"])
    return chosen.sort_values(["_order", "_due", "project", "package"]).drop(columns=["_order", "_due"])
