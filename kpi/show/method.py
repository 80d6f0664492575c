"""The status rule in plain words, once, for the About page and every report.

The words come from the translation table with the thresholds in force and the plan's horizons
from the configuration, so the page and the reports can never describe two different rules.
"""

from __future__ import annotations

from kpi.model.targets import Config
from kpi.show.status import status_label
from kpi.text.i18n import format_list, format_number, t


def method_intro(config: Config, lang: str) -> str:
    """What is compared with what, naming the plan's horizon years."""
    return t("dashboard.rule_intro", lang, years=format_list([str(year) for year in config.horizon_years()], lang))


def rule_items(config: Config, lang: str) -> list[tuple[str, str]]:
    """Each status (icon and word) with the condition that gives it, then the stale mark."""
    thresholds = config.status_thresholds
    on_track = format_number(thresholds.on_track * 100, lang)
    at_risk = format_number(thresholds.at_risk * 100, lang)
    return [
        (status_label("reached", lang), t("dashboard.rule_reached", lang)),
        (status_label("on_track", lang), t("dashboard.rule_on_track", lang, on_track=on_track)),
        (status_label("at_risk", lang), t("dashboard.rule_at_risk", lang, on_track=on_track, at_risk=at_risk)),
        (status_label("off_track", lang), t("dashboard.rule_off_track", lang, at_risk=at_risk)),
        (status_label("moving_away", lang), t("dashboard.rule_moving_away", lang)),
        (status_label("no_data", lang), t("dashboard.rule_no_data", lang)),
        (status_label("before_plan", lang), t("method.rule_before_plan", lang)),
        (t("status.stale", lang), t("dashboard.rule_stale", lang)),
        (t("method.whole_units_label", lang), t("method.rule_whole_units", lang)),
        (
            t("method.direction_label", lang),
            t(
                "method.rule_direction",
                lang,
                significant=format_number(config.growth_thresholds.significant, lang),
            ),
        ),
    ]
