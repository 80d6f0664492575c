"""The view-model of the dashboard: what each page shows, computed once, outside Streamlit.

Pages stay thin (they read the user's choices and draw); every number and every sentence they
show is prepared here, from :mod:`kpi.judge.rules` results, so the reports and the tests can check the
same texts without a browser. Nothing here decides a status: that is ``kpi.judge.rules.evaluate`` alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import numpy as np

from kpi.judge.explain import explanation
from kpi.judge.rules import STATUSES, MetricStatus, count_by_status, evaluate_all, meets, year_target
from kpi.model.dataset import Dataset, FileInfo, Series
from kpi.model.targets import Config, Metric
from kpi.model.values import text_or_empty
from kpi.show import packs
from kpi.show.changes import change_line, pack_title
from kpi.show.method import rule_items
from kpi.show.registers import register_title
from kpi.show.status import STATUS_COLOURS, status_label
from kpi.text.i18n import format_date, format_number, format_signed, has_key, plural, t
from kpi.write import store

# Statuses the summary strip always shows, even at zero ("0 at risk" is news too).
ALWAYS_COUNTED = ("reached", "on_track", "at_risk", "off_track")
_PERCENT_UNITS = {"percent", "%", "procent"}
# What Excel calls the encodings in its "Save as" dialog, so a person recognises them.
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp1252": "Windows-1252"}


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int
    label: str  # icon and word
    colour: str


@dataclass(frozen=True)
class ProgressView:
    """Progress toward one target: "7 100 av 7 500" and a 0–1 fraction for a bar."""

    year: int
    target_date: dt.date
    target: float
    value: float | None
    fraction: float
    text: str
    met: bool | None  # None until the target date has passed


@dataclass
class CardView:
    """Everything one metric card shows, already formatted in the chosen language."""

    metric_id: str
    name: str
    area: str
    status: str
    status_label: str
    status_colour: str
    value: float | None
    value_text: str
    date_text: str
    progress: list[ProgressView] = field(default_factory=list)
    # The one progress bar (as on the overview): baseline → target judged against, status colour.
    bar: Bar | None = None
    change: float | None = None
    change_text: str = ""
    change_good: bool | None = None  # True when the change points toward the target
    compare_text: str = ""
    stale: bool = False
    stale_text: str = ""
    explanation: str = ""
    milestone: bool = False
    sparkline: list[float] = field(default_factory=list)
    sparkline_label: str = ""  # the sparkline in words: its text alternative


def summary_counts(
    statuses: list[MetricStatus], lang: str, always: tuple[str, ...] = ALWAYS_COUNTED
) -> list[StatusCount]:
    """The summary strip: count per status, in the rule's order, with icon and word.

    Statuses in ``always`` are listed even at zero (the overview: "0 at risk" is news too); a
    small area passes ``always=()`` and lists only the statuses it has.
    """
    counts = count_by_status(statuses)
    return [
        StatusCount(status, counts[status], status_label(status, lang), STATUS_COLOURS[status])
        for status in STATUSES
        if counts[status] or status in always
    ]


def group_by_area(config: Config, statuses: list[MetricStatus], lang: str) -> list[tuple[str, str, list[MetricStatus]]]:
    """``(area_id, area name, statuses)`` in the order of targets.yaml; empty areas are left out."""
    groups = []
    for area_id in config.area_ids():
        members = [item for item in statuses if item.metric.area == area_id]
        if members:
            groups.append((area_id, config.area_name(area_id, lang), members))
    return groups


def format_value(metric: Metric, value: float | None, lang: str) -> str:
    """A metric's value as a board member reads it: "7 100", "1,5", "62 %"."""
    if value is None:
        return "–"
    decimals = metric.decimals
    text = format_number(value, lang, decimals)
    if metric.unit.strip().lower() in _PERCENT_UNITS:
        return t("dashboard.unit_percent", lang, value=text)
    return text


def format_estimate(metric: Metric, value: float | None, lang: str) -> str:
    """A computed value (expected, trend): whole numbers from 100 up, else one decimal; a count
    (whole units) never shows a decimal ("17", not "17,0")."""
    if value is None:
        return "–"
    decimals = metric.decimals
    if decimals is None:
        decimals = 0 if metric.whole_units or abs(value) >= 100 else 1
    text = format_number(value, lang, decimals)
    if metric.unit.strip().lower() in _PERCENT_UNITS:
        return t("dashboard.unit_percent", lang, value=text)
    return text


def shown_decimals(metric: Metric, *values: float | None) -> int:
    """The decimals the values are shown with side by side: the metric's own; none for a count;
    else as many as the most precise of them needs (a whole number none, others one)."""
    if metric.decimals is not None:
        return metric.decimals
    if metric.whole_units:
        return 0
    return max((0 if float(value).is_integer() else 1 for value in values if value is not None), default=0)


def as_shown(value: float | None, decimals: int) -> float | None:
    """``value`` rounded the way it is printed (babel rounds half to even on its decimal text), so
    a difference computed from shown numbers adds up: 17,8 → 17,4 is −0,4, never −0,3."""
    if value is None:
        return None
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_EVEN))


# --- the one progress bar ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """Progress from the baseline to the target judged against, with where the plan says it should be."""

    fraction: float  # 0–1, the value's share of the way from baseline to target
    expected: float | None  # 0–1, where the value should be now; None when the plan says nothing
    colour: str
    label: str  # the bar in words, for screen readers and for the table's title attribute


def judged_target(item: MetricStatus) -> tuple[dt.date, float] | None:
    """The (date, value) of the target a goal is judged against now; None for a milestone."""
    metric = item.metric
    if metric.kind_of.done_or_not:
        return None
    if metric.aggregation == "year_to_date" and metric.targets:
        goal = year_target(metric.targets, item.as_of.year, item.as_of)
        return goal.date, goal.value
    if item.next_target is not None:
        return item.next_target.date, item.next_target.value
    return None


def _share(value: float, start: float, end: float) -> float:
    if end == start:
        return 1.0 if value == end else 0.0
    return float(min(1.0, max(0.0, (value - start) / (end - start))))


def progress_bar(item: MetricStatus, lang: str) -> Bar | None:
    """The one progress bar of the product (overview, area cards): from the baseline (0 for a
    yearly count) to the target judged against, coloured by status, with a mark where the value
    should be by the plan; ``None`` for milestones and for a level to hold."""
    judged = judged_target(item)
    if judged is None or item.value is None:
        return None
    metric = item.metric
    start = item.baseline.value if item.baseline is not None else 0.0
    end = judged[1]
    if end == start:  # a level to hold: nothing to be part of the way toward
        return None
    expected = _share(item.expected, start, end) if item.expected is not None else None
    params = {
        "start": format_value(metric, start, lang),
        "target": format_value(metric, end, lang),
        "value": format_value(metric, item.value, lang),
    }
    if item.expected is not None:
        label = t("meeting.bar_label", lang, expected=format_estimate(metric, item.expected, lang), **params)
    else:
        label = t("meeting.bar_label_no_plan", lang, **params)
    return Bar(_share(item.value, start, end), expected, STATUS_COLOURS[item.status], label)


def changes(before: list[MetricStatus], now: list[MetricStatus]) -> dict[str, float | None]:
    """value(as_of) − value(compare) per metric, from two ``evaluate_all`` runs.

    ``None`` where either side has no value, and for milestones (done/not done is no amount).
    """
    earlier = {item.id: item for item in before}
    result: dict[str, float | None] = {}
    for item in now:
        other = earlier.get(item.id)
        if item.metric.kind_of.done_or_not or other is None or item.value is None or other.value is None:
            result[item.id] = None
        elif new_year_between(item.metric, other.as_of, item.as_of):
            result[item.id] = None  # a yearly count started again on 1 January: no change to show
        else:
            decimals = shown_decimals(item.metric, item.value, other.value)
            result[item.id] = _difference(as_shown(item.value, decimals), as_shown(other.value, decimals), decimals)
    return result


def new_year_between(metric: Metric, before: dt.date, now: dt.date) -> bool:
    """Whether a yearly count (``year_to_date``) began again between the two dates: its values then
    and now count different years, so their difference is neither better nor worse."""
    return metric.aggregation == "year_to_date" and before.year != now.year


def _difference(new: float | None, old: float | None, decimals: int) -> float | None:
    if new is None or old is None:
        return None
    return round(new - old, decimals)


def series_until(series: Series | None, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """The observations dated on or before ``as_of`` (what the rule saw)."""
    if series is None or len(series) == 0:
        return np.array([], dtype="datetime64[D]"), np.array([], dtype="float64")
    cut = int(np.searchsorted(series.dates, np.datetime64(as_of), side="right"))
    return series.dates[:cut], series.values[:cut]


def sparkline_values(metric: Metric, series: Series | None, as_of: dt.date, points: int = 24) -> list[float]:
    """The last ``points`` values up to ``as_of``; for a yearly count, this year's running total."""
    dates, values = series_until(series, as_of)
    if metric.kind_of.done_or_not:
        return []
    if metric.aggregation == "year_to_date":
        in_year = dates >= np.datetime64(dt.date(as_of.year, 1, 1))
        values = np.concatenate(([0.0], np.cumsum(values[in_year]))) if in_year.any() else values[:0]
    return [float(v) for v in values[-points:]]


def progress_targets(
    status: MetricStatus,
    horizons: Sequence[int] | None = None,
) -> list[tuple[int, dt.date, float, float | None, bool | None]]:
    """Which targets a card shows progress toward: ``(year, date, target, value judged, met)``.

    The targets in the plan's horizon years (``Config.horizon_years()``: 2026 and 2030 for the
    association; ``None``: every year the metric has a target), else the next and the last target.
    A past target shows the value it was judged on (the rule never rewrites it); an upcoming one
    the current value. A yearly count shows this year's target only, because its value is this
    year's sum.
    """
    metric = status.metric
    if metric.kind_of.has_due:  # a direction goal has no number to fill a bar toward
        return []
    if metric.aggregation == "year_to_date":
        goal = year_target(metric.targets, status.as_of.year, status.as_of)
        return [(goal.date.year, goal.date, goal.value, status.value, None)]
    years = set(horizons) if horizons is not None else {target.date.year for target in status.targets}
    chosen = [target for target in status.targets if target.date.year in years]
    if not chosen:
        chosen = [target for target in (status.next_target, status.targets[-1] if status.targets else None) if target]
        chosen = list({target.date: target for target in chosen}.values())
    rows: list[tuple[int, dt.date, float, float | None, bool | None]] = []
    for target in chosen:
        if target.met is not None:
            rows.append((target.date.year, target.date, target.value, target.value_at_date, target.met))
        else:
            rows.append((target.date.year, target.date, target.value, status.value, None))
    return rows


def progress_fraction(metric: Metric, value: float | None, target: float, baseline: float | None) -> float:
    """How far along toward ``target``, 0–1, for a progress bar.

    Increase: value / target (what "7 100 av 7 500" reads as). Decrease: the share of the way from
    the baseline down to the target (costs 1 050 from 1 000 toward 900 is 0). Met targets are 1.
    """
    if value is None:
        return 0.0
    if meets(value, target, metric.direction):
        return 1.0
    if metric.direction == "increase":
        fraction = value / target if target > 0 else 0.0
    elif baseline is not None and baseline != target:
        fraction = (baseline - value) / (baseline - target)
    else:
        fraction = target / value if value > 0 else 0.0
    return float(min(1.0, max(0.0, fraction)))


def card(
    status: MetricStatus,
    lang: str,
    change: float | None = None,
    compare: dt.date | None = None,
    series: Series | None = None,
    horizons: Sequence[int] | None = None,
) -> CardView:
    """One metric's card, formatted for ``lang``."""
    metric = status.metric
    view = CardView(
        metric_id=metric.id,
        name=metric.display_name(lang),
        area=metric.area,
        status=status.status,
        status_label=status_label(status.status, lang),
        status_colour=STATUS_COLOURS[status.status],
        value=status.value,
        value_text="–",
        date_text="",
        stale=status.stale,
        explanation=explanation(status, lang),
        bar=progress_bar(status, lang),
        milestone=metric.kind_of.done_or_not,
        sparkline=sparkline_values(metric, series, status.as_of),
    )
    if view.milestone:
        if status.done_date:
            view.value_text = t("dashboard.milestone_done", lang)
            view.date_text = t("dashboard.done_on", lang, date=format_date(status.done_date, lang))
        else:
            view.value_text = t("dashboard.milestone_open", lang)
            view.date_text = t("dashboard.due_on", lang, date=format_date(metric.due, lang))
    elif status.value is not None:
        view.value_text = format_value(metric, status.value, lang)
        key = "dashboard.year_to_date_on" if metric.aggregation == "year_to_date" else "dashboard.value_on"
        view.date_text = t(key, lang, date=format_date(status.value_date, lang))
    else:
        view.date_text = t("dashboard.no_value", lang)
    baseline = status.baseline.value if status.baseline else None
    for year, date, target, value, met in progress_targets(status, horizons):
        fraction = progress_fraction(metric, value, target, baseline)
        params = {
            "year": year,
            "value": format_value(metric, value, lang),
            "target": format_value(metric, target, lang),
        }
        if met is True:
            text = t("dashboard.progress_met", lang, **params)
        elif met is False:
            text = t("dashboard.progress_missed", lang, **params)
        elif metric.direction == "decrease":  # "1 av 0" reads as nonsense; a ceiling is "at most"
            text = t("meeting.progress_at_most", lang, **params)
        else:
            text = t("dashboard.progress", lang, **params)
        view.progress.append(ProgressView(year, date, target, value, fraction, text, met))
    if change is not None:
        view.change = change
        view.change_text = format_signed(change, lang, shown_decimals(metric, change, status.value))
        if change != 0:
            view.change_good = (change > 0) == (metric.direction == "increase")
    if compare is not None:
        view.compare_text = t("dashboard.since", lang, date=format_date(compare, lang))
    if status.stale:
        view.stale_text = t("dashboard.stale_mark", lang, date=format_date(status.value_date, lang))
    if len(view.sparkline) > 1:
        view.sparkline_label = t(
            "meeting.sparkline_label",
            lang,
            count=len(view.sparkline),
            first=format_estimate(metric, view.sparkline[0], lang),
            last=format_estimate(metric, view.sparkline[-1], lang),
            low=format_estimate(metric, min(view.sparkline), lang),
            high=format_estimate(metric, max(view.sparkline), lang),
        )
    return view


def cards(data: Dataset, statuses: list[MetricStatus], lang: str, compare: dt.date | None = None) -> list[CardView]:
    """Cards for ``statuses`` with the change since ``compare`` (one extra ``evaluate_all`` run)."""
    delta: dict[str, float | None] = {}
    if compare is not None and statuses:
        delta = changes(evaluate_all(data.config, data.series, compare), statuses)
    horizons = data.config.horizon_years()
    return [card(item, lang, delta.get(item.id), compare, data.series.get(item.id), horizons) for item in statuses]


# --- metric detail --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    date_text: str
    target_text: str
    met_text: str
    value_text: str


def target_rows(status: MetricStatus, lang: str) -> list[TargetRow]:
    """The targets table of the detail page: each target, whether it was met and on what value."""
    metric = status.metric
    rows = []
    for target in status.targets:
        if target.met is None:
            met = t("board.target_pending", lang)
            judged = "–"
        else:
            met = t("dashboard.target_met", lang) if target.met else t("dashboard.target_not_met", lang)
            judged = format_value(metric, target.value_at_date, lang) if target.value_at_date is not None else "–"
        target_text = (
            t("dashboard.milestone_done", lang)
            if metric.kind_of.done_or_not
            else format_value(metric, target.value, lang)
        )
        rows.append(TargetRow(format_date(target.date, lang), target_text, met, judged))
    return rows


def forecast_text(status: MetricStatus, lang: str) -> str:
    """One sentence on the trend: where it leads and what is still needed per month."""
    metric = status.metric
    if metric.kind_of.done_or_not or status.status in ("reached", "no_data"):
        return ""
    parts = []
    if status.trend is not None and status.next_target is not None:
        parts.append(
            t(
                "dashboard.trend_at",
                lang,
                date=format_date(status.next_target.date, lang),
                value=format_estimate(metric, status.trend.at(status.next_target.date), lang),
            )
        )
        if status.eta:
            parts.append(t("dashboard.eta", lang, date=format_date(status.eta, lang)))
        elif status.eta_after is not None and metric.aggregation == "year_to_date":
            parts.append(t("board.eta_not_this_year", lang))
        elif status.eta_after is not None:
            parts.append(t("board.eta_after", lang, year=str(status.eta_after.year + 1)))
        elif status.missed is not None:
            pass
        else:
            parts.append(t("dashboard.eta_never", lang))
    if status.needed_per_month is not None:
        decimals = metric.decimals if metric.decimals is not None else (0 if abs(status.needed_per_month) >= 10 else 1)
        parts.append(t("dashboard.needed", lang, value=format_signed(status.needed_per_month, lang, decimals)))
    return " ".join(parts)


def observation_table(data: Dataset, metric_id: str, as_of: dt.date, lang: str) -> list[dict[str, str]]:
    """The rows behind a metric's numbers, newest first, with their notes, file and row.

    Rows after ``as_of`` are kept but marked, so a board member looking back sees what came later.
    """
    frame = data.observations(metric_id)
    metric = data.config.metric(metric_id)
    header = {key: t("dashboard.obs_" + key, lang) for key in ("date", "value", "note", "source", "file", "row")}
    rows = []
    for record in frame.sort_values(["date", "row"], ascending=False).itertuples(index=False):
        when = record.date.date() if hasattr(record.date, "date") else record.date
        date_text = when.isoformat()
        if when > as_of:
            date_text += " " + t("dashboard.obs_after", lang)
        rows.append(
            {
                header["date"]: date_text,
                header["value"]: format_value(metric, record.value, lang),
                header["note"]: text_or_empty(record.note),
                header["source"]: text_or_empty(record.source),
                header["file"]: text_or_empty(record.file),
                header["row"]: str(int(record.row)) if record.row == record.row else "",
            }
        )
    return rows


# --- about page --------------------------------------------------------------------------------


def rule_lines(config: Config, lang: str) -> list[str]:
    """The status rule in plain words (Markdown, the label in bold), with the thresholds in force."""
    return [f"**{label}**: {text}" for label, text in rule_items(config, lang)]


def file_title(data: Dataset, info: FileInfo, lang: str, most: int = 3) -> str:
    """What a data file holds, in the board's words: "Medlemsregistret", or for a metrics file its
    area and goals ("Kommunikation: Prenumeranter på nyhetsbrevet, Följare i sociala medier")."""
    if info.kind != "metrics":
        title = register_title(info.kind, lang)
        return title[:1].upper() + title[1:]
    held = set(data.metrics_in_file(info.label))
    metrics = [metric for metric in data.config.metrics if metric.id in held]  # in the plan's order
    if not metrics:
        return t("dashboard.kind_metrics", lang)
    areas = list(dict.fromkeys(data.config.area_name(metric.area, lang) for metric in metrics))
    names = [metric.display_name(lang) for metric in metrics[:most]] + (["…"] if len(metrics) > most else [])
    return f"{', '.join(areas)}: {', '.join(names)}"


def file_rows(data: Dataset, lang: str) -> list[dict[str, str]]:
    """The data files with when each was last changed, rows, encoding and separator."""
    header = {
        key: t("dashboard.file_" + key, lang) for key in ("name", "kind", "modified", "rows", "encoding", "delimiter")
    }
    names = {
        ";": t("dashboard.delimiter_semicolon", lang),
        ",": t("dashboard.delimiter_comma", lang),
        "\t": t("dashboard.delimiter_tab", lang),
    }
    rows = []
    for info in data.files:
        modified = info.modified
        rows.append(
            {
                t("dashboard.file_holds", lang): file_title(data, info, lang),
                header["name"]: info.label,
                header["kind"]: t("dashboard.kind_metrics", lang)
                if info.kind == "metrics"
                else t("meeting.register." + info.kind, lang)
                if has_key("meeting.register." + info.kind)
                else info.kind,
                header["modified"]: (f"{format_date(modified.date(), lang)} {modified:%H:%M}" if modified else "–"),
                header["rows"]: format_number(info.rows, lang),
                header["encoding"]: _ENCODING_NAMES.get(info.encoding or "", info.encoding or "–"),
                header["delimiter"]: names.get(info.delimiter or "", info.delimiter or "–"),
            }
        )
    return rows


# --- what changed: since the last board pack, and in the data files -----------------------------


@dataclass(frozen=True)
class PackChanges:
    """The changes since the newest board pack before the as-of date, in words."""

    title: str
    lines: list[str]


def pack_changes(data: Dataset, now: list[MetricStatus], as_of: dt.date, lang: str) -> PackChanges | None:
    """ "Since the last board meeting": status and value changes and new comments (kpi.write.packs)."""
    pack = packs.latest_pack(data.data_dir, before=as_of)
    if pack is None:
        return None
    lines = [change_line(change, lang) for change in packs.changes_since(pack, now, lang=lang)]
    return PackChanges(plural("dashboard.pack_changes", lang, len(lines), title=pack_title(pack, lang)), lines)


def file_changes(data: Dataset, lang: str, log: bool = True) -> list[dict[str, str]]:
    """When each data file last changed, and through the app by whom and why (the store's log);
    ``log=False`` (a viewer without the board's role) leaves out who and why."""
    logged = store.file_history(data.data_dir)
    rows = []
    for info in sorted(data.files, key=lambda item: item.modified or dt.datetime.min, reverse=True):
        relative = Path(info.path).relative_to(data.data_dir).as_posix() if info.path else info.label
        change = logged.get(relative)
        rows.append(
            {
                t("dashboard.file_holds", lang): file_title(data, info, lang),
                t("dashboard.file_modified", lang): (
                    format_date(info.modified.date(), lang) + info.modified.strftime(" %H:%M")
                )
                if info.modified
                else "–",
                t("dashboard.file_editor", lang): change.editor if change else "–",
                t("dashboard.file_comment", lang): change.comment if change else "",
            }
        )
        if not log:
            for key in (t("dashboard.file_editor", lang), t("dashboard.file_comment", lang)):
                rows[-1].pop(key)
    return rows
