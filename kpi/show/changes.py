"""What moved since a board pack, in words: one line per goal, and a pack's title."""

from __future__ import annotations

from kpi.show.packs import BoardPack, Change
from kpi.show.status import status_label
from kpi.text.i18n import format_date, format_number, format_signed, t


def change_line(change: Change, lang: str) -> str:
    """One change in words: "Följare: ⚠ Risk → ↗ På väg; 10 400 → 11 200 (+800)"."""
    parts = []
    if change.old_status is None:
        parts.append(t("reports.change_new_metric", lang, status=status_label(change.new_status, lang)))
    elif change.status_changed:
        parts.append(
            t(
                "reports.change_status",
                lang,
                old=status_label(change.old_status, lang),
                new=status_label(change.new_status, lang),
            )
        )
    if change.old_status is not None and change.value_changed:
        old = format_number(change.old_value, lang, change.decimals)
        new = format_number(change.new_value, lang, change.decimals)
        delta = change.delta
        parts.append(
            t(
                "reports.change_value",
                lang,
                old=old,
                new=new,
                delta=format_signed(delta, lang, change.decimals) if delta is not None else "–",
            )
        )
    if change.comment_changed:
        parts.append(t("reports.change_comment", lang, comment=change.new_comment))
    return f"{change.name}: " + "; ".join(parts)


def pack_title(pack: BoardPack, lang: str) -> str:
    """ "Styrelsemöte 30 juni 2026 (sparat av Anna)" for lists and report headings."""
    title = t("reports.pack_title", lang, date=format_date(pack.meeting_date, lang, "long"))
    if pack.author:
        title += " " + t("reports.pack_by", lang, author=pack.author)
    return title
