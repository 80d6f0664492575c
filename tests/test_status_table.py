"""The statuses are defined once (kpi.model.status): every status has every attribute, and every
list of statuses in the product is derived from that one table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import get_args

import pytest

from kpi.judge import rules
from kpi.model.status import ATTENTION, BOARD_ORDER, JUDGED, STATUS_TABLE, STATUSES, StatusCode, status
from kpi.show import meeting
from kpi.show.packs import Change
from kpi.show.status import STATUS_COLOURS, STATUS_ICONS, status_label
from tests.support import metric


@pytest.mark.parametrize("item", STATUS_TABLE, ids=lambda item: item.code)
def test_every_status_has_every_attribute(item):
    assert item.code in get_args(StatusCode)
    assert re.fullmatch(r"#[0-9a-f]{6}", item.colour)
    assert item.icon and not item.icon.isascii() or item.icon == "?"
    for lang in ("sv", "en"):
        word = item.word(lang)
        assert word and word != "status." + item.code, (item.code, lang)
        assert item.label(lang) == f"{item.icon} {word}" == status_label(item.code, lang)
    assert STATUS_ICONS[item.code] == item.icon and STATUS_COLOURS[item.code] == item.colour
    assert isinstance(item.board_order, int) and isinstance(item.severity, int)
    assert item.behind is None or item.attention, "a status the reports call 'behind' needs attention"


def test_each_attribute_tells_the_statuses_apart():
    assert len({item.board_order for item in STATUS_TABLE}) == len(STATUS_TABLE)  # one reading order
    assert len({item.icon for item in STATUS_TABLE}) == len(STATUS_TABLE)  # shapes differ without colour
    assert len({item.colour for item in STATUS_TABLE}) == len(STATUS_TABLE)
    for lang in ("sv", "en"):
        assert len({item.word(lang) for item in STATUS_TABLE}) == len(STATUS_TABLE)


def test_the_derived_lists_keep_today_s_orders():
    assert STATUSES == ("reached", "on_track", "at_risk", "off_track", "moving_away", "no_data", "before_plan")
    assert JUDGED == ("reached", "on_track", "at_risk", "off_track", "moving_away")
    assert ATTENTION == ("moving_away", "off_track", "at_risk", "no_data")
    assert (*ATTENTION, "on_track", "reached", "before_plan") == BOARD_ORDER
    assert rules.STATUSES is STATUSES and meeting.ORDER == BOARD_ORDER


def _item(code: StatusCode, pace: float | None = None) -> rules.MetricStatus:
    goal = metric(targets=[{"date": "2026-12-31", "value": 10}])
    return rules.MetricStatus(goal, as_of=dt.date(2026, 2, 15), status=code, pace=pace)


@pytest.mark.parametrize("code", STATUSES)
def test_the_board_s_orders_take_every_status(code):
    """A status missing from the board's order crashed the overview before the plan period began."""
    assert meeting.ordered([_item(code), _item("on_track")])
    for old in (*STATUSES, None):
        change = Change(
            metric_id="m",
            name="m",
            old_status=old,
            new_status=code,
            old_value=None,
            new_value=None,
            old_comment="",
            new_comment="",
        )
        assert meeting.change_group(change) in (0, 1, 2, 3)
    assert meeting.parse_statuses(code) == [code]


def test_before_the_plan_is_neither_worse_nor_better_than_on_track():
    assert status("before_plan").severity == status("on_track").severity
    assert not status("before_plan").attention and not status("before_plan").judged


def test_a_status_is_a_frozen_record():
    with pytest.raises(dataclasses.FrozenInstanceError):
        status("reached").icon = "x"  # type: ignore[misc]
