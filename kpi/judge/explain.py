"""What a judged goal says: the sentence that explains its status, and its record in the JSON
contract of ``kpi status --format json`` (also what a board pack stores).

Kept apart from the rule (:mod:`kpi.judge.rules` decides; this module words): the keys of
:func:`status_record` are relied on by other tools (docs/method.md), and the sentence uses the
numbers the rule used, printed so that words and number never disagree.
"""

from __future__ import annotations

from typing import Any

from kpi.judge.rules import MetricStatus, decimals_for, growth_band, pace_decimals
from kpi.model.values import as_number, iso
from kpi.text.i18n import format_date, format_number, t


def explanation(item: MetricStatus, lang: str = "sv") -> str:
    """The sentence that says why, with the numbers the rule used.

    The pace is printed with as many decimals as it takes for the printed number to be on the
    same side of every threshold as the pace itself (0.9496 is "0,9496", never "0,95" next to
    "Risk"), so the words and the number never disagree.
    """
    word = t("status." + item.status, lang)
    decimals = item.metric.decimals
    if decimals is None and item.value is not None:
        decimals = 0 if float(item.value).is_integer() else 1
    number = lambda v: format_number(v, lang, decimals)  # noqa: E731
    if item.metric.kind_of.done_or_not:
        if item.done_date:
            text = t("explain.milestone_done", lang, word=word, done=format_date(item.done_date, lang))
        elif item.status == "off_track":
            text = t("explain.milestone_late", lang, word=word, due=format_date(item.metric.due, lang))
        else:
            text = t("explain.milestone_open", lang, word=word, due=format_date(item.metric.due, lang))
        return text
    if item.unmeasured and item.status in ("no_data", "on_track"):
        since = item.baseline.date if item.baseline else item.as_of
        key = "board.explain_unmeasured_due" if item.status == "no_data" else "board.explain_unmeasured"
        return t(
            key,
            lang,
            word=word,
            value=number(item.value),
            value_date=format_date(item.value_date, lang),
            baseline=format_date(since, lang),
            cadence=t("cadence." + item.metric.cadence, lang),
        )
    if item.status == "no_data":
        return t("explain.no_data", lang, word=word, as_of=format_date(item.as_of, lang))
    if item.status == "before_plan":
        start = item.plan_start()
        if item.value is None:
            return t("explain.before_plan_no_value", lang, word=word, start=format_date(start, lang))
        return t("explain.before_plan", lang, word=word, value=number(item.value), start=format_date(start, lang))
    if item.metric.kind_of.by_growth and item.missed is None:
        text = _direction_explanation(item, lang, word, number)
    elif item.missed is not None:
        text = t(
            "explain.missed",
            lang,
            word=word,
            target=(
                t(
                    "board.more_than" if item.metric.direction == "increase" else "board.fewer_than",
                    lang,
                    value=number(item.missed.value),
                )
                if item.metric.kind_of.by_growth
                else number(item.missed.value)
            ),
            target_date=format_date(item.missed.date, lang),
            judged=number(item.missed.value_at_date or 0.0),
            value=number(item.value),
        )
    elif item.status == "reached" and item.next_target is not None:
        text = t(
            "explain.reached",
            lang,
            word=word,
            value=number(item.value),
            target=number(item.next_target.value),
            target_date=format_date(item.next_target.date, lang),
        )
    elif item.pace is not None:
        text = t(
            "explain.pace",
            lang,
            word=word,
            value=number(item.value),
            expected=number(item.expected),
            pace=format_number(item.pace, lang, pace_decimals(item.pace, item.thresholds)),
        )
    else:
        baseline = item.baseline.value if item.baseline else 0
        key = "explain.no_pace_ok" if item.status == "on_track" else "explain.no_pace_away"
        text = t(key, lang, word=word, value=number(item.value), baseline=number(baseline))
    if item.stale:
        text += " " + t(
            "explain.stale",
            lang,
            value_date=format_date(item.value_date, lang),
            cadence=t("cadence." + item.metric.cadence, lang),
        )
    return text


def _direction_explanation(item: MetricStatus, lang: str, word: str, number: Any) -> str:
    baseline = item.baseline.value if item.baseline else 0.0
    if item.growth_pct is None:
        key = "explain.no_pace_ok" if item.status in ("on_track", "reached") else "explain.no_pace_away"
        return t(key, lang, word=word, value=number(item.value), baseline=number(baseline))
    band = item.growth_thresholds.significant
    limits = (band, 0.0, -band)
    return t(
        "explain.direction",
        lang,
        word=word,
        value=number(item.value),
        baseline=number(baseline),
        baseline_date=format_date(item.baseline.date if item.baseline else None, lang),
        growth=format_number(item.growth_pct, lang, decimals_for(item.growth_pct, limits, 1)),
        band=t("growth." + growth_band(item.growth_pct, item.metric.direction, band), lang),
        significant=format_number(band, lang, None if not float(band).is_integer() else 0),
    )


def status_record(item: MetricStatus, lang: str = "sv") -> dict[str, Any]:
    """The JSON contract of ``kpi status --format json`` (keys are relied on by other tools)."""
    metric = item.metric
    return {
        "id": metric.id,
        "name": metric.display_name(lang),
        "area": metric.area,
        "kind": metric.kind,
        "unit": metric.unit,
        "direction": metric.direction,
        "aggregation": metric.aggregation,
        "as_of": item.as_of.isoformat(),
        "value": _four(item.value),
        "value_date": iso(item.value_date),
        "status": item.status,
        "status_label": t("status." + item.status, lang),
        "pace": _four(item.pace),
        "expected": _four(item.expected),
        "stale": item.stale,
        "baseline": {"date": iso(item.baseline.date), "value": item.baseline.value} if item.baseline else None,
        "targets": [
            {"date": target.date.isoformat(), "value": target.value, "met": target.met} for target in item.targets
        ],
        "next_target": (
            {"date": item.next_target.date.isoformat(), "value": item.next_target.value} if item.next_target else None
        ),
        "projected": [{"date": item["date"].isoformat(), "value": _four(item["value"])} for item in item.projected],
        "eta": iso(item.eta),
        "eta_after": iso(item.eta_after),
        "unmeasured": item.unmeasured,
        "expected_date": iso(item.expected_date),
        "needed_per_month": _four(item.needed_per_month),
        "growth_pct_per_year": _four(item.growth_pct),
        "missed_target": (
            {
                "date": item.missed.date.isoformat(),
                "value": item.missed.value,
                "value_at_date": item.missed.value_at_date,
            }
            if item.missed
            else None
        ),
        "due": iso(metric.due),
        "done_date": iso(item.done_date),
        "project": metric.project,
        "package": metric.package,
        "source": metric.source.model_dump(by_alias=True) if metric.source else None,
        "explanation": explanation(item, lang),
    }


def _four(value: float | None) -> float | int | None:
    """A number in the JSON contract: four decimals, whole numbers as integers."""
    return None if value is None else as_number(value, 4)
