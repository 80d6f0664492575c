"""Översikt / Overview: the board's meeting view.

The status counts (each one a filter kept in the URL, ``?status=off_track,at_risk``), what moved
since the last board meeting first (one date for the whole page: worse, comments, better), then
one row per goal, worst first, each with its reason, then the values that only moved. Grouping by area and the cards are one click away (``?view=areas|cards``);
``?present=1`` shows one area per screen for the projector.
"""

import streamlit as st

from kpi.model.dataset import Dataset
from kpi.show.meeting import ORDER, area_groups, ordered
from kpi.show.views import cards, file_changes, summary_counts
from kpi.text.i18n import format_date, plural, t
from ui import access
from ui.cards import render_views, summary_strip
from ui.meeting import PRESENT_PARAM, chosen_view, count_filter, goal_table, presentation_chrome
from ui.state import changes, dataset, meeting_rows, notices, sidebar, since, statuses
from ui.text import escape_markdown, show_table

state = sidebar()
lang = state.lang
presenting = st.query_params.get(PRESENT_PARAM) == "1"
if not presenting:
    st.title(t("dashboard.overview_title", lang, date=format_date(state.as_of, lang)))
loaded = dataset(state)
if loaded is None:
    st.stop()
data: Dataset = loaded  # a name the page's functions see as loaded
config = data.config
now = statuses(data, state.as_of)
moment = since(state)  # shared by every viewer: the rows, the "since" and the changes
rows = meeting_rows(data, state.as_of, lang)

if presenting:
    # Presentation: no sidebar, larger type, one area per screen (arrow keys or the buttons move on).
    presentation_chrome()
    groups = area_groups(rows, config)
    if not groups:
        st.info(t("dashboard.filter_none", lang))
        st.stop()
    # Screen 0 is the summary (counts by status, what moved, the goals that need attention); then
    # one screen per area.
    number = min(max(int(st.session_state.get("present_area", 0)), 0), len(groups))
    title = t("dashboard.overview_title", lang, date=format_date(state.as_of, lang))
    if number == 0:
        st.header(t("board.present_summary", lang))
        st.caption(t("board.present_summary_position", lang, total=len(groups)) + " · " + title)
    else:
        _area_id, area_name, members = groups[number - 1]
        st.header(escape_markdown(area_name))  # targets.yaml is typed by people: text, never Markdown
        st.caption(t("meeting.present_position", lang, number=number, total=len(groups)) + " · " + title)
    back, forward, leave = st.columns([1, 1, 1])
    if back.button(t("meeting.present_previous", lang), key="present_previous", disabled=number == 0, icon="⬅️"):
        st.session_state["present_area"] = number - 1
        st.rerun()
    if forward.button(t("meeting.present_next", lang), key="present_next", disabled=number >= len(groups), icon="➡️"):
        st.session_state["present_area"] = number + 1
        st.rerun()
    if leave.button(t("meeting.present_exit", lang), key="present_exit"):
        del st.query_params[PRESENT_PARAM]
        st.rerun()
    if number == 0:
        summary_strip(sorted(summary_counts(now, lang), key=lambda item: ORDER.index(item.status)))
        moved = [group for group in changes(data, state.as_of, moment, lang, comments=False) if group.first]
        st.markdown(f"**{escape_markdown(moment.heading)}**")
        if not moved:
            st.markdown(t("meeting.no_changes", lang))
        for group in moved:
            st.markdown(f"**{group.heading}**")
            st.text("\n".join("• " + line for line in group.lines))
        needs = [row for row in rows if row.attention]
        if needs:
            goal_table(needs, lang, t("meeting.table_attention", lang), links=False)
    else:
        goal_table(members, lang, area_name, links=False)
    st.stop()

notices(data, state)
attention = sum(1 for row in rows if row.attention)
st.markdown(plural("meeting.intro", lang, len(rows)) + " " + plural("meeting.attention", lang, attention))
counts = sorted(summary_counts(now, lang), key=lambda item: ORDER.index(item.status))  # worst first, as the rows
chosen = count_filter(counts, lang)
shown_rows = [row for row in rows if not chosen or row.status in chosen]
if chosen:
    st.caption(t("meeting.filter_showing", lang, shown=len(shown_rows), total=len(rows)))

view_column, present_column = st.columns([3, 1], vertical_alignment="bottom")
with view_column:
    view = chosen_view(lang)
with present_column:
    if st.button(
        t("meeting.present", lang),
        key="present_start",
        icon=":material/slideshow:",
        help=t("meeting.present_help", lang),
    ):
        st.session_state["present_area"] = 0
        st.query_params[PRESENT_PARAM] = "1"
        st.rerun()


groups_changed = changes(data, state.as_of, moment, lang, comments=access.allowed("view_comments"))


def since_section() -> None:
    """What moved since the page's one date, first on the page (issue 22): what got worse, the
    comments, what got better; values that only moved and yearly counts that began again follow
    the goal table (more_changes)."""
    first = [group for group in groups_changed if group.first]
    total = sum(len(group.lines) for group in groups_changed)
    heading = plural("meeting.changes_heading", lang, total, since=moment.heading)
    with st.expander(heading, icon=":material/history:", expanded=True):
        st.caption(escape_markdown(moment.note))  # names the pack's author, as typed
        if not groups_changed:
            st.markdown(t("meeting.no_changes", lang))
        for group in first:
            st.markdown(f"**{group.heading}**")
            st.text("\n".join("• " + line for line in group.lines))
        if len(first) < len(groups_changed):
            st.caption(t("board.more_changes_below", lang))


def more_changes() -> None:
    """The rest of what moved, after the goal table: values with the same status, new years."""
    for group in (group for group in groups_changed if not group.first):
        with st.expander(group.heading, icon=":material/history:"):
            st.text("\n".join("• " + line for line in group.lines))


since_section()
if not shown_rows:
    st.info(t("dashboard.filter_none", lang))
elif view == "cards":
    shown_ids = {row.metric_id for row in shown_rows}
    render_views(cards(data, [item for item in ordered(now) if item.id in shown_ids], lang, moment.date), lang)
elif view == "areas":
    for _area_id, area_name, members in area_groups(shown_rows, config):
        st.subheader(escape_markdown(area_name), divider="gray")
        goal_table(members, lang, area_name)
else:
    # What moved came first; then the goals that need attention, then the rest.
    needs = [row for row in shown_rows if row.attention]
    rest = [row for row in shown_rows if not row.attention]
    if needs:
        goal_table(needs, lang, t("meeting.table_attention", lang))
    if rest:
        goal_table(rest, lang, t("meeting.table_rest", lang))
more_changes()

with st.expander(t("meeting.files_heading", lang), icon=":material/description:"):
    show_table(file_changes(data, lang, log=access.allowed("view_changelog")), hide_index=True)
