"""Rapporter / Reports: funder and board reports to download, and board packs.

Two clicks for a funder's report: the project's button makes the PDF, the download button
saves it. Every report comes from :func:`kpi.report.build.build_report`, the same function as
``python -m kpi report``. Board packs freeze the status at a meeting with the board's comments
(:mod:`kpi.write.packs`). Who may see what is :func:`kpi.model.access.may` (through ui.access):
anonymous visitors get aggregates only, member-level rows and comments need the board's role,
and board packs (with their comments) are listed and saved for the board, staff and admins.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from kpi.model.dataset import Dataset
from kpi.model.problems import DataError
from kpi.report import build, narratives
from kpi.report import content as reports
from kpi.report import period as report_period
from kpi.report.formats import FORMATS, report_format
from kpi.show import packs as board_packs
from kpi.show.changes import change_line, pack_title
from kpi.show.status import status_counts_text, status_label
from kpi.text.i18n import LANGUAGES, format_date, t
from kpi.write import packs as snapshots
from ui import access
from ui.state import dataset, notices, show_problem_list, sidebar, statuses, typed_date
from ui.text import escape_markdown

RESULT_KEY = "reports_result"
FLASH_KEY = "reports_pack_flash"

state = sidebar()
lang = state.lang
st.title(t("reports.page_title", lang))
loaded = dataset(state)
if loaded is None:
    st.stop()
data: Dataset = loaded  # a name the page's functions see as loaded
notices(data, state)
config = data.config


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_pack(path: str, modified: int) -> board_packs.BoardPack:
    return board_packs.load_pack(Path(path))


def _load_pack(path: Path) -> board_packs.BoardPack:
    return _cached_pack(str(path), path.stat().st_mtime_ns)


def make_report(
    origin: str,
    fmt: str,
    scope: str,
    report_lang: str | None,
    as_of: dt.date | None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    pack: dt.date | None = None,
    csv_dialect: str = "default",
    include_comments: bool | None = None,
) -> None:
    """Build a report and keep it in the session so its download button survives reruns.

    ``origin`` names the button that asked, so the download appears right where it was clicked.
    Member-level rows need ``view_member_data`` and the board's comments ``view_comments``
    (board, staff, admin); anyone else gets a report of aggregates only.
    """
    spec = reports.ReportSpec(
        fmt=fmt,
        as_of=as_of,
        period_from=period_from,
        period_to=period_to,
        scope=scope,
        lang=report_lang,
        pack=pack,
        csv_dialect=csv_dialect,
        include_comments=include_comments if access.allowed("view_comments") else False,
        member_level=access.allowed("view_member_data"),
    )
    try:
        with st.spinner(t("reports.making", lang)):
            content = reports.gather(data, spec)
            body = build.render(content)
    except DataError as exc:
        st.session_state.pop(RESULT_KEY, None)
        st.error(t("reports.failed", lang))
        show_problem_list(exc.problems, lang)
        return
    except ValueError as exc:
        st.session_state.pop(RESULT_KEY, None)
        st.error(f"{t('reports.failed', lang)} {escape_markdown(str(exc))}")
        return
    st.session_state[RESULT_KEY] = {
        "name": build.file_name(content.spec, content.config.own_scope()),
        "data": body,
        "mime": report_format(fmt).media_type,
        "label": f"{content.scope_label} · {report_format(fmt).label(lang)}",
        "origin": origin,
    }


def download(origin: str) -> None:
    """The download button of the last report made, shown under the button that made it."""
    result = st.session_state.get(RESULT_KEY)
    if not result or result["origin"] != origin:
        return
    st.success(t("reports.ready", lang, label=result["label"], name=result["name"]))
    st.download_button(
        t("reports.download", lang, name=result["name"]),
        data=result["data"],
        file_name=result["name"],
        mime=result["mime"],
        icon=":material/download:",
        type="primary",
        key=f"download_{origin}",
    )


def save_board_pack(
    data: Dataset, meeting_date: dt.date, comments: dict[str, str], author: str, replace: bool = False
) -> Path:
    """Save the board pack for a meeting (the page offers it only to those who may comment)."""
    return snapshots.save_pack(data, meeting_date, comments, author, replace=replace)


# --- 1. the funders' reports in two clicks --------------------------------------------------------
st.subheader(t("reports.quick_heading", lang))
st.caption(t("reports.quick_help", lang))
for project in config.projects:
    periods = report_period.reporting_periods(config, project.id, data.today, lang)
    label = project.name.get(lang) + (f" ({project.funder})" if project.funder else "")
    with st.container(border=True):
        left, middle, right = st.columns([3, 1, 2], vertical_alignment="bottom")
        chosen = None
        if periods:
            chosen = left.selectbox(
                t("period.quick_period", lang),
                periods,
                index=report_period.default_period(periods, data.today),
                format_func=lambda period: period.label,
                key=f"quick_period_{project.id}",
            )
        quick_fmt = middle.selectbox(
            t("period.quick_format", lang),
            # The participant list names contacts: only for those who may see member data.
            ["pdf", "docx", "xlsx", "text"] + (["participants"] if access.allowed("view_member_data") else []),
            format_func=lambda key: report_format(key).label(lang),
            key=f"quick_format_{project.id}",
        )
        if right.button(label, key=f"quick_{project.id}", icon=":material/description:", width="stretch"):
            make_report(
                "quick",
                quick_fmt,
                project.id,
                project.report_language or lang,  # the funder's language (Interreg: English)
                None,  # judged at the period's end (at most today)
                chosen.start if chosen else None,
                chosen.end if chosen else None,
            )
columns = st.columns(2)
for index, scope in enumerate([config.own_scope(), reports.SCOPE_ALL]):
    label = reports.scope_label(config, scope, lang)
    if columns[index].button(label, key=f"quick_{scope}", icon=":material/picture_as_pdf:", width="stretch"):
        make_report("quick", "pdf", scope, lang, state.as_of)
download("quick")
st.caption(t("period.aggregates_only", lang))


# --- the funder's narrative sections: written here, saved as data (editors only) ------------------
def narrative_editor(project, periods: list) -> None:
    """Each section of the funder's form for one period, with a live count against its limit
    (the text box counts as the person types); saved through the data store, undoable."""
    chosen = st.selectbox(
        t("period.quick_period", lang),
        periods,
        index=report_period.default_period(periods, data.today),
        format_func=lambda period: period.label,
        key=f"narrative_period_{project.id}",
    )
    period = narratives.period_key(project, chosen.start, chosen.end)
    final = project.is_final(chosen.end)
    stored = narratives.stored_texts(data.data_dir, project.id, period)
    viewer = access.current_viewer()
    editor = viewer.name or viewer.email or ""
    with st.form(f"narratives_{project.id}_{period}"):
        texts = {}
        for section in narratives.sections_for(project, final):
            texts[section.id] = st.text_area(
                section.name.get(lang),
                value=stored.get(section.id, ""),
                max_chars=section.limit,
                help=section.help.get(lang) if section.help else None,
                key=f"narrative_{project.id}_{period}_{section.id}",
            )
        if st.form_submit_button(t("funders.save_texts", lang), type="primary"):
            for section_id, text in texts.items():
                if text.strip() == stored.get(section_id, "").strip():
                    continue
                result = narratives.save_text(
                    data.data_dir, config, project.id, period, section_id, text, editor=editor or "?"
                )
                if isinstance(result, list):
                    show_problem_list(result, lang)
                elif not result.saved:
                    show_problem_list(result.problems, lang)
                else:
                    st.success(result.summary(lang))


if config.projects and any(project.sections for project in config.projects) and access.allowed("edit_data"):
    st.subheader(t("funders.sections_heading", lang))
    for project in config.projects:
        project_periods = report_period.reporting_periods(config, project.id, data.today, lang)
        if project.sections and project_periods:
            with st.expander(project.name.get(lang), icon=":material/edit_note:"):
                narrative_editor(project, project_periods)

# --- 2. any report: format, scope, period, language, as-of date, board pack -----------------------
with st.expander(t("reports.custom_heading", lang), icon=":material/tune:"):
    with st.form("custom_report"):
        left, right = st.columns(2)
        fmt = left.selectbox(
            t("reports.format", lang),
            list(FORMATS),
            key="report_format",
            format_func=lambda key: report_format(key).label(lang),
        )
        scope = right.selectbox(
            t("reports.scope", lang),
            reports.scope_choices(config),
            key="report_scope",
            format_func=lambda key: reports.scope_label(config, key, lang),
        )
        period_from, from_ok = typed_date(
            t("reports.period_from", lang), lang, required=False, help_text=t("reports.period_help", lang), where=left
        )
        period_to, to_ok = typed_date(t("reports.period_to", lang), lang, required=False, where=right)
        as_of, as_of_ok = typed_date(t("reports.as_of", lang), lang, required=False, where=left)
        report_lang = right.segmented_control(
            t("reports.language", lang), list(LANGUAGES), default=lang, key="report_lang"
        )
        pack_dates = [info.meeting_date for info in board_packs.list_packs(data.data_dir)]
        pack_choice = left.selectbox(
            t("reports.pack_choice", lang),
            [None, *pack_dates[::-1]],
            format_func=lambda day: t("reports.pack_none", lang) if day is None else day.isoformat(),
            help=t("reports.pack_choice_help", lang),
        )
        dialect = right.radio(
            t("reports.csv_dialect", lang),
            list(reports.CSV_DIALECTS),
            horizontal=True,
            format_func=lambda key: t("reports.csv_" + key.replace("-", "_"), lang),
        )
        comments = st.checkbox(
            t("period.include_comments", lang), value=False, help=t("period.include_comments_help", lang)
        )
        if st.form_submit_button(t("reports.make", lang), type="primary") and from_ok and to_ok and as_of_ok:
            if as_of is None and period_to is None and reports.scope_kind(config, scope) != "project":
                as_of = state.as_of  # no period: the date the rest of the app shows
            make_report(
                "custom",
                fmt,
                scope,
                report_lang or lang,
                as_of,
                period_from,
                period_to,
                pack_choice,
                dialect,
                # a board pack's report carries the board's comments; otherwise only when ticked
                include_comments=None if pack_choice and not comments else comments,
            )
    download("custom")

# --- 3. board packs ------------------------------------------------------------------------------
st.subheader(t("reports.packs_heading", lang))
st.caption(t("reports.packs_help", lang))
if not access.allowed("view_comments"):  # packs carry the board's comments: for signed-in roles
    st.info(t("access.need_sign_in", lang), icon=":material/lock:")
    st.stop()
latest = board_packs.latest_pack(data.data_dir, before=state.as_of)
if latest is not None:
    now = statuses(data, state.as_of)
    lines = [change_line(change, lang) for change in board_packs.changes_since(latest, now, lang=lang)]
    st.markdown(
        f"**{t('reports.changes_now_heading', lang, date=format_date(latest.meeting_date, lang, 'long'), as_of=format_date(state.as_of, lang, 'long'))}**"
    )
    # Each line holds goal names and the board's comments as typed: text, never Markdown.
    if lines:
        st.text("\n".join("• " + line for line in lines))
    else:
        st.markdown(t("reports.no_changes", lang))


def pack_form(author_default: str) -> None:
    """Pick the meeting date, comment per goal, save: the board pack is frozen as the board saw it."""
    meeting, meeting_ok = typed_date(t("reports.pack_date", lang), lang, default=state.as_of, key="pack_date")
    if meeting is None or not meeting_ok:
        return
    author = st.text_input(t("reports.pack_author", lang), value=author_default, key="pack_author", max_chars=200)
    at_meeting = statuses(data, meeting)
    frame = pd.DataFrame(
        {
            "id": [item.id for item in at_meeting],
            t("reports.col_goal", lang): [item.metric.display_name(lang) for item in at_meeting],
            t("reports.col_status", lang): [status_label(item.status, lang) for item in at_meeting],
            t("reports.col_comment", lang): ["" for _ in at_meeting],
        }
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        key="pack_comments",
        disabled=["id", t("reports.col_goal", lang), t("reports.col_status", lang)],
        column_config={"id": None},
    )
    replace = st.checkbox(t("reports.pack_replace", lang), key="pack_replace")
    if st.button(t("reports.pack_save", lang), type="primary", key="pack_save", icon=":material/save:"):
        comment_column = t("reports.col_comment", lang)
        comments = {
            row["id"]: row[comment_column].strip()
            for row in edited.to_dict("records")
            if isinstance(row.get(comment_column), str) and row[comment_column].strip()
        }
        try:
            saved = save_board_pack(data, meeting, comments, author, replace=replace)
        except DataError as exc:
            st.error(t("reports.pack_not_saved", lang))
            show_problem_list(exc.problems, lang)
        else:  # rerun so the lists above and below include the new pack; say so after the rerun
            st.session_state[FLASH_KEY] = t("reports.pack_saved", lang, date=meeting.isoformat(), path=saved.name)
            st.rerun()
    if FLASH_KEY in st.session_state:
        st.success(st.session_state.pop(FLASH_KEY))


# Saving writes to the data folder: for the board, staff and admins, named as they signed in.
if access.allowed("comment_packs"):
    with st.expander(t("reports.pack_new_heading", lang), icon=":material/save:"):
        pack_form(access.current_viewer().label)
else:
    st.info(t("reports.pack_locked", lang), icon=":material/lock:")

history, broken = board_packs.pack_history(data.data_dir, lang, loader=_load_pack)
if broken:
    show_problem_list(broken, lang)
if not history:
    st.info(t("reports.no_packs", lang))
for entry in history:
    pack = entry.pack
    with st.expander(escape_markdown(pack_title(pack, lang)), expanded=entry is history[0]):
        st.caption(status_counts_text(pack.statuses, lang))
        if entry.previous is None:
            st.markdown(t("reports.pack_first", lang))
        else:
            st.markdown(
                f"**{t('reports.changes_heading', lang, date=format_date(entry.previous.meeting_date, lang, 'long'))}**"
            )
            lines = [change_line(change, lang) for change in entry.changes]
            st.markdown(
                "\n".join(f"- {escape_markdown(line)}" for line in lines) if lines else t("reports.no_changes", lang)
            )
        if pack.comments:
            st.markdown(f"**{t('reports.pack_comments', lang)}**")
            st.markdown(
                "\n".join(
                    f"- {escape_markdown(pack.config.metric(metric_id).display_name(lang))}: {escape_markdown(text)}"
                    for metric_id, text in pack.comments.items()
                    if metric_id in pack.config.metric_ids()
                )
            )
        left, right = st.columns(2)
        origin = f"pack_{pack.meeting_date.isoformat()}"
        if left.button(t("reports.pack_report", lang, fmt="PDF"), key=f"{origin}_pdf"):
            make_report(origin, "pdf", reports.SCOPE_ALL, lang, None, pack=pack.meeting_date)
        if right.button(t("reports.pack_report", lang, fmt="Excel"), key=f"{origin}_xlsx"):
            make_report(origin, "xlsx", reports.SCOPE_ALL, lang, None, pack=pack.meeting_date)
        download(origin)
