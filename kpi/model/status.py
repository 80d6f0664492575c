"""The statuses a goal can have, defined once: code, order, severity, icon, colour and words.

Every list of statuses in the product is derived from :data:`STATUS_TABLE`: the rule's order
(``kpi status``, the summary strip, the reports' legend), the board's reading order (what needs
attention first), how bad a status is ("got worse since the last meeting"), the cover's "most
behind" list, the icon and colour on every page and in every report. Adding a status is a row
here and its two words in ``kpi/text/locales/core.yaml`` (``status.<code>``);
``tests/test_status_table.py`` proves that every status has every attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from kpi.text.i18n import t

StatusCode = Literal["reached", "on_track", "at_risk", "off_track", "moving_away", "no_data", "before_plan"]


@dataclass(frozen=True)
class Status:
    """One status and everything the product needs to know about it."""

    code: StatusCode
    # The board's reading order: lower is read first (what needs attention, then what goes well,
    # then what is not yet judged).
    board_order: int
    # How bad the news is, for "got worse" / "got better" between two dates. A goal that had no
    # status before (or none that judges it) counts as ``on_track`` there (see kpi.show.meeting).
    severity: int
    # Shapes that differ without colour, in every font we embed (DejaVu Sans has them all).
    icon: str
    colour: str  # ``#rrggbb``; text on its tint keeps a contrast above 7:1
    # Whether the status judges the goal (the five of the rule); ``no_data`` and ``before_plan``
    # are counted apart.
    judged: bool
    # Whether the board must look at it: listed first and counted under "needs attention".
    attention: bool
    # Rank in the reports' "furthest behind" list (lower is further behind); None: not behind.
    behind: int | None = None

    def word(self, lang: str) -> str:
        """The status in words ("Risk", "At risk"), from the translation table."""
        return t("status." + self.code, lang)

    def label(self, lang: str) -> str:
        """Icon and word together ("⚠ Risk"): a status is never carried by colour alone."""
        return f"{self.icon} {self.word(lang)}"


# In the rule's order: the first match of the rule comes first (docs/method.md).
STATUS_TABLE: tuple[Status, ...] = (
    Status("reached", board_order=5, severity=0, icon="✔", colour="#1a7f37", judged=True, attention=False),
    Status("on_track", board_order=4, severity=1, icon="↗", colour="#2f81f7", judged=True, attention=False),
    Status("at_risk", board_order=2, severity=2, icon="⚠", colour="#bf8700", judged=True, attention=True, behind=2),
    Status("off_track", board_order=1, severity=3, icon="✖", colour="#cf222e", judged=True, attention=True, behind=1),
    Status("moving_away", board_order=0, severity=4, icon="↘", colour="#8250df", judged=True, attention=True, behind=0),
    # No data is the worst news for "got worse": the goal can no longer be followed.
    Status("no_data", board_order=3, severity=5, icon="?", colour="#6e7781", judged=False, attention=True),
    # Before the plan period: shown, not judged; as neutral as on track when comparing dates.
    Status("before_plan", board_order=6, severity=1, icon="…", colour="#57606a", judged=False, attention=False),
)

STATUS_BY_CODE: dict[str, Status] = {status.code: status for status in STATUS_TABLE}

STATUSES: tuple[StatusCode, ...] = tuple(status.code for status in STATUS_TABLE)
JUDGED: tuple[StatusCode, ...] = tuple(status.code for status in STATUS_TABLE if status.judged)
ATTENTION: tuple[StatusCode, ...] = tuple(
    status.code for status in sorted(STATUS_TABLE, key=lambda s: s.board_order) if status.attention
)
# Every status in the board's reading order (ties keep the rule's order).
BOARD_ORDER: tuple[StatusCode, ...] = tuple(status.code for status in sorted(STATUS_TABLE, key=lambda s: s.board_order))


def status(code: str) -> Status:
    """The status with ``code``; a KeyError names an unknown one."""
    return STATUS_BY_CODE[code]


assert set(STATUSES) == set(get_args(StatusCode)), "STATUS_TABLE and StatusCode disagree"
