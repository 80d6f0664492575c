"""Data (staff only): upload, quick entry, table edits, history and undo, behind the editor password.

The page only renders: reading, checking, diffing and saving are kpi.write.imports and kpi.write.store, the
password is kpi.write.auth. A preview is kept in the session with the hash of the file it was made from,
so "Spara" saves exactly what was shown, or is refused if someone saved the file in between.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import clock
from kpi.model.dataset import Dataset
from kpi.model.problems import DataError, UsageError, warnings
from kpi.show.due import due_items
from kpi.text.i18n import format_list, format_number, has_key, plural, t
from kpi.write import auth, imports, sources, store, upload
from kpi.write import diff as diffs
from kpi.write import files as write_files
from kpi.write.forget import forget_member
from kpi.write.rights import export_files
from ui import access
from ui.state import dataset, show_problem_list, sidebar, typed_date
from ui.text import escape_markdown

state = sidebar()
lang = state.lang
st.title(t("store.title", lang))


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml: Streamlit raises on first access
        return {}


editor: str | None
if access.sign_in_configured():
    # Named sign-in: staff and administrators edit as their verified e-mail; no shared password.
    editor = access.require("edit_data", lang).label
else:
    password = auth.configured(_secrets())
    if password is None:
        st.info(t("store.disabled", lang), icon=":material/lock:")
        st.stop()
    if not password.valid:
        st.error(t("store.password_invalid", lang))
        st.stop()

    # --- unlock -------------------------------------------------------------------------------------
    unlocked = access.current_viewer()
    editor = unlocked.name if unlocked.signed_in else None
    if not editor:
        st.caption(t("store.locked", lang))
        with st.form("data_login", clear_on_submit=True):
            name = st.text_input(t("store.editor_name", lang), max_chars=store.EDITOR_MAX, key="data_login_name")
            candidate = st.text_input(t("store.password", lang), type="password", key="data_login_password")
            submitted = st.form_submit_button(t("store.unlock", lang), type="primary")
        if submitted:
            if not name.strip():
                st.warning(t("store.need_name", lang))
            else:
                client, session = access.password_client()
                outcome = auth.attempt(password, candidate, client=client, session=session)
                if outcome.ok:
                    access.unlock_with_password(store.clean_text(name, store.EDITOR_MAX))
                    del st.session_state["data_login_password"]
                    st.rerun()
                elif outcome.locked:
                    st.error(t("store.locked_out", lang, minutes=max(1, round(outcome.wait / 60))))
                elif outcome.wait > 0 and not outcome.checked:
                    st.error(t("store.wait", lang, seconds=max(1, round(outcome.wait))))
                else:
                    st.error(t("store.wrong_password", lang))
            del candidate
            if "data_login_password" in st.session_state:  # the typed password is not kept in the session
                del st.session_state["data_login_password"]
        st.stop()

if editor is None:  # unreachable: every way above ends with a name or a stop
    st.stop()
editor_name: str = editor  # a name the page's functions see as set
loaded = dataset(state)
if loaded is None:
    st.stop()
data: Dataset = loaded  # a name the page's functions see as loaded
config, data_dir, today = data.config, state.data_dir, clock.today()

top = st.columns([4, 1])
top[0].caption(t("store.signed_in", lang, editor=escape_markdown(editor_name)) + " " + t("store.intro", lang))
if top[1].button(t("store.lock", lang), icon=":material/lock:"):
    access.lock()
    for key in [key for key in st.session_state if str(key).startswith("data_")]:
        del st.session_state[key]
    st.rerun()

# What is due or overdue, whose it is and the export to fetch (kpi.show.due, as ``kpi due``).
due_now = due_items(data, today)
with st.expander(f"{t('due.title', lang)} ({len(due_now)})", expanded=bool(due_now), icon=":material/schedule:"):
    st.markdown("\n".join(f"- {escape_markdown(item.line(lang))}" for item in due_now) or t("due.none", lang))

flash = st.session_state.pop("data_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")
flash_error = st.session_state.pop("data_flash_error", None)
if flash_error:
    st.error(flash_error[0], icon=":material/error:")
    show_problem_list(flash_error[1], lang)


# --- showing a preview and saving it --------------------------------------------------------------
def _headers(frame: pd.DataFrame) -> pd.DataFrame:
    names = {name: t(f"store.col.{name}", lang) for name in frame.columns if has_key(f"store.col.{name}")}
    return frame.rename(columns=names)


def show_preview(slot: str) -> None:
    """Render the preview kept under ``slot`` with its problems, diff and the save button."""
    preview: imports.Preview | None = st.session_state.get(slot)
    if preview is None:
        return
    st.subheader(
        t("store.preview", lang, source=escape_markdown(preview.source_label), file=escape_markdown(preview.label)),
        divider="gray",
    )
    found_errors, found_warnings = preview.errors, warnings(preview.problems)
    if found_errors:
        st.error(plural("store.preview_errors", lang, len(found_errors)), icon=":material/error:")
        show_problem_list(found_errors, lang)
    if found_warnings:
        with st.expander(plural("store.preview_warnings", lang, len(found_warnings)), expanded=True):
            show_problem_list(found_warnings, lang)
    if preview.diff is not None:
        added, changed, removed = preview.diff.counts
        columns = st.columns(3)
        columns[0].metric(t("store.added", lang), format_number(added, lang))
        columns[1].metric(t("store.changed", lang), format_number(changed, lang))
        columns[2].metric(t("store.removed", lang), format_number(removed, lang))
        if removed:
            st.warning(plural("store.removed_warning", lang, removed, n=format_number(removed, lang)))
        for title, count, frame in (
            (t("store.added", lang), added, preview.diff.added),
            (t("store.changed", lang), changed, preview.diff.changed),
            (t("store.removed", lang), removed, preview.diff.removed),
        ):
            if len(frame):
                with st.expander(f"{title} ({format_number(count, lang)})", expanded=len(frame) <= 20):
                    st.dataframe(_headers(frame), hide_index=True, width="stretch")
    if preview.rows is not None:
        with st.expander(t("store.rows", lang, count=format_number(len(preview.rows), lang))):
            st.dataframe(preview.rows, hide_index=True, width="stretch")
    allow_removals = False
    if preview.unchanged:
        st.info(t("store.preview_unchanged", lang))
    elif preview.clean:
        if preview.removals:  # never "no errors" above a save that removes history: say it, then ask again
            removals = format_number(preview.removals, lang)
            st.warning(t("store.preview_removes", lang, count=removals), icon=":material/delete:")
            allow_removals = st.checkbox(t("store.confirm_removals", lang, count=removals), key=f"{slot}_removals")
        else:
            st.success(t("store.preview_clean", lang))
        comment = st.text_input(t("store.comment", lang), max_chars=store.COMMENT_MAX, key=f"{slot}_comment")
    if preview.clean:
        save_column, discard_column, _ = st.columns([1, 1, 4])
    else:
        save_column, (discard_column, _) = None, st.columns([1, 5])
    if save_column is not None and save_column.button(
        t("store.confirm", lang),
        type="secondary" if preview.removals else "primary",
        key=f"{slot}_save",
        icon=":material/save:",
        disabled=bool(preview.removals) and not allow_removals,
    ):
        result = store.save_preview(
            data_dir,
            preview,
            editor=editor_name,
            comment=comment,
            config=config,
            today=today,
            allow_removals=allow_removals,
        )
        if result.saved:
            st.session_state.pop(slot, None)
            st.session_state["data_flash"] = result.summary(lang)
            st.rerun()
        # Not saved (someone else saved first, or the file changed): drop this preview so the next run
        # makes a fresh one against the file as it is now, and say why at the top of the page.
        st.session_state.pop(slot, None)
        st.session_state.pop(slot.replace("_preview", "_signature"), None)
        st.session_state["data_flash_error"] = (result.summary(lang), result.problems)
        st.rerun()
    if discard_column.button(t("store.discard", lang), key=f"{slot}_discard"):
        st.session_state.pop(slot, None)
        st.rerun()


def target_label(target: write_files.DataFile) -> str:
    return target.relpath


tab_upload, tab_quick, tab_edit, tab_history = st.tabs(
    [t("store.tab.upload", lang), t("store.tab.quick", lang), t("store.tab.edit", lang), t("store.tab.history", lang)]
)

# --- upload -----------------------------------------------------------------------------------------
with tab_upload:
    targets = imports.upload_files(data_dir)
    new_file = write_files.DataFile("metrics", "")  # the choice "a new file…", never a path
    # No file is preselected: the person chooses where the upload goes.
    choice = st.selectbox(
        t("store.target", lang),
        [*targets, new_file],
        key="data_upload_target",
        index=None,
        placeholder=t("store.target_choose", lang),
        format_func=lambda item: t("store.target_new", lang) if item == new_file else target_label(item),
    )
    target: write_files.DataFile | None = choice
    if choice == new_file:
        name = st.text_input(t("store.target_new_name", lang), key="data_upload_new_name", max_chars=64)
        target = None
        if name.strip():
            try:
                target = write_files.parse_data_file(f"metrics/{name.strip().removesuffix('.csv')}.csv")
            except DataError as exc:
                show_problem_list(exc.problems, lang)
    mode: diffs.Mode = st.radio(
        t("store.mode", lang),
        ["merge", "replace"],  # the monthly sheet's mode first: the default never removes rows
        key="data_upload_mode",
        horizontal=True,
        format_func=lambda item: t(f"store.mode.{item}", lang),
        help=t("store.mode_help", lang),
    )
    uploaded = st.file_uploader(
        t("store.upload", lang, limit=upload.megabytes(upload.MAX_UPLOAD_BYTES)),
        type=["csv", "txt", "xlsx", "xlsm", "xls", "zip"],
        key="data_upload_file",
    )
    sheet = None
    export = None
    if uploaded is not None:  # recognised once per file, not on every rerun
        known = st.session_state.setdefault("data_upload_formats", {})
        if uploaded.file_id not in known:
            found_format = sources.recognise(uploaded.getvalue())
            known[uploaded.file_id] = None if found_format is None else found_format.name
        export = sources.FORMATS.get(known[uploaded.file_id] or "")
    if uploaded is not None and export is not None:
        # Another tool's export (Meta, LinkedIn, Mailchimp): the format knows what it holds and where it goes.
        content = uploaded.getvalue()
        start = st.session_state.get("data_upload_start")
        export_signature = ("export", uploaded.file_id, len(content), start)
        if st.session_state.get("data_upload_signature") != export_signature:
            made = sources.preview_export(data_dir, config, content, uploaded.name, today, sources.Options(start=start))
            found, st.session_state["data_upload_preview"] = made or (None, None)
            st.session_state["data_upload_found"] = found
            st.session_state["data_upload_signature"] = export_signature
        found = st.session_state.get("data_upload_found")
        if found is not None:
            st.info(found.describe(lang), icon=":material/check_circle:")
            if found.needs_start or start is not None:
                st.number_input(t("sources.start", lang), min_value=0, step=1, value=None, key="data_upload_start")
            show_problem_list(found.problems, lang)
        show_preview("data_upload_preview")
    elif uploaded is not None and target is not None:
        content = uploaded.getvalue()
        sheets = st.session_state.get("data_upload_sheets", {}).get(uploaded.file_id, [])
        if len(sheets) > 1:  # the sheet read first (the active, visible one) is the default
            first = st.session_state.get("data_upload_first_sheet", {}).get(uploaded.file_id)
            start = sheets.index(first) if first in sheets else 0
            sheet = st.selectbox(t("store.sheet", lang), sheets, index=start, key="data_upload_sheet")
        signature = (target.relpath, uploaded.file_id, len(content), sheet, mode)
        if st.session_state.get("data_upload_signature") != signature:
            preview = imports.preview_upload(
                data_dir, config, target, content, uploaded.name, today=today, sheet=sheet, mode=mode
            )
            st.session_state["data_upload_preview"] = preview
            st.session_state["data_upload_signature"] = signature
            if len(preview.sheets) > 1 and not sheets:
                st.session_state.setdefault("data_upload_sheets", {})[uploaded.file_id] = preview.sheets
                st.session_state.setdefault("data_upload_first_sheet", {})[uploaded.file_id] = preview.sheet
                st.rerun()
        show_preview("data_upload_preview")
    else:
        st.session_state.pop("data_upload_preview", None)
        st.session_state.pop("data_upload_signature", None)

# --- quick entry --------------------------------------------------------------------------------------
with tab_quick:
    st.subheader(t("store.quick.figure", lang))
    # Every metric is listed; those computed from a register are marked, and choosing one says
    # where to update it instead of offering a form that could only be refused.
    computed = {metric.id: imports.computed_from(metric) for metric in config.metrics}
    metric_ids = [metric.id for metric in imports.entry_metrics(config)] + [
        metric.id for metric in config.metrics if computed[metric.id]
    ]
    names = {
        metric.id: (
            t("store.quick.computed_label", lang, name=metric.display_name(lang), file=computed[metric.id])
            if computed[metric.id]
            else metric.display_name(lang)
        )
        for metric in config.metrics
    }
    # The metric is chosen outside the form, so the suggested file follows the choice at once.
    metric_id = st.selectbox(
        t("store.quick.metric", lang), metric_ids, format_func=lambda item: names[item], key="data_quick_metric"
    )
    is_computed = bool(metric_id and computed.get(metric_id))
    if is_computed:
        st.info(t("store.quick.computed", lang, file=computed[metric_id]), icon=":material/calculate:")
    with st.form("data_quick_form"):
        when, when_ok = typed_date(
            t("store.quick.date", lang), lang, default=imports.default_entry_date(today), key="data_quick_date"
        )
        value = st.text_input(t("store.quick.value", lang), key="data_quick_value")
        note = st.text_input(t("store.quick.note", lang), key="data_quick_note", max_chars=200)
        files = imports.entry_files(data_dir)
        suggested = imports.suggested_file(data, metric_id) if metric_id else imports.MANUAL
        file_choice = st.selectbox(
            t("store.quick.file", lang),
            files,
            format_func=target_label,
            index=files.index(suggested) if suggested in files else 0,
            key=f"data_quick_file_{metric_id}",
        )  # a new default per metric
        # A computed metric: the message above says where it is updated; the form cannot be sent.
        if st.form_submit_button(t("store.quick.preview", lang), disabled=is_computed) and when_ok:
            st.session_state["data_quick_preview"] = imports.preview_quick_entry(
                data_dir,
                config,
                file_choice,
                metric_id,
                when,
                value,
                note,
                source_label=t("store.quick_entry", lang),
                today=today,
            )
    show_preview("data_quick_preview")

    members_target = write_files.DataFile("members", "members")
    members_now = imports.read_current(data_dir, members_target, config, today)
    left, right = st.columns(2)
    with left:
        st.subheader(t("store.quick.member", lang))
        from kpi.read import vocab  # the allowed codes of the register columns

        def code_label(column: str, code: str) -> str:
            key = f"registers.{column}.{code}"
            return t(key, lang) if has_key(key) else code

        def column_label(column: str) -> str:
            key = f"registers.col.{column}"
            return t(key, lang) if has_key(key) else column

        with st.form("data_member_form"):
            member_id = st.text_input(
                column_label("member_id"), value=imports.next_member_id(members_now.rows), key="data_member_id"
            )
            member_name = st.text_input(column_label("name"), key="data_member_name")
            category = st.selectbox(
                column_label("category"),
                list(vocab.CATEGORIES),
                key="data_member_category",
                format_func=lambda code: code_label("category", code),
            )
            kommun = st.text_input(column_label("kommun"), key="data_member_kommun")
            joined, joined_ok = typed_date(column_label("joined"), lang, default=today, key="data_member_joined")
            if st.form_submit_button(t("store.quick.preview", lang)) and joined_ok:
                st.session_state["data_member_preview"] = imports.preview_rows(
                    data_dir,
                    config,
                    members_target,
                    ["member_id", "name", "category", "kommun", "joined"],
                    [[member_id, member_name, category, kommun, joined]],
                    source_label=t("store.quick_entry", lang),
                    today=today,
                    mode="add",
                )
    with right:
        st.subheader(t("store.quick.leaver", lang))
        active = imports.active_members(members_now.rows)
        if not members_now.exists:
            st.caption(t("store.quick.no_register", lang))
        with st.form("data_leaver_form"):
            leaver = st.selectbox(
                t("store.quick.leaver_member", lang),
                active,
                key="data_leaver_member",
                format_func=lambda pair: f"{pair[1]} ({pair[0]})",
            )
            left_on, left_ok = typed_date(
                t("store.quick.leaver_date", lang), lang, default=today, key="data_leaver_date"
            )
            reason = st.selectbox(
                t("store.quick.leaver_reason", lang),
                list(vocab.LEAVE_REASONS),
                key="data_leaver_reason",
                format_func=lambda code: code_label("leave_reason", code),
            )
            if st.form_submit_button(t("store.quick.preview", lang)) and leaver and left_ok:
                st.session_state["data_member_preview"] = imports.preview_rows(
                    data_dir,
                    config,
                    members_target,
                    ["member_id", "left", "leave_reason"],
                    [[leaver[0], left_on, reason]],
                    source_label=t("store.quick_entry", lang),
                    today=today,
                    mode="update",
                )
    show_preview("data_member_preview")

# --- edit a table -------------------------------------------------------------------------------------
with tab_edit:
    editable = imports.editable_files(data_dir)
    if editable:
        chosen = st.selectbox(t("store.edit.pick", lang), editable, format_func=target_label, key="data_edit_target")
        current = imports.read_current(data_dir, chosen, config, today)
        if current.table is None:
            st.warning(t("store.edit.unreadable", lang, file=chosen.relpath))
            show_problem_list(current.problems, lang)
        else:
            st.caption(t("store.edit.help", lang))
            edited = st.data_editor(
                current.table.frame(),
                num_rows="dynamic",
                width="stretch",
                key=f"data_edit_{chosen.relpath}_{(current.sha256 or 'new')[:12]}",
            )
            if st.button(t("store.edit.preview", lang), key="data_edit_make_preview"):
                st.session_state["data_edit_preview"] = imports.preview_edit(
                    data_dir, config, chosen, edited, current, source_label=t("store.table_editor", lang), today=today
                )
    show_preview("data_edit_preview")

# --- history and undo -------------------------------------------------------------------------------
with tab_history:
    log = store.changelog_frame(data_dir)
    if log.empty:
        st.info(t("store.history.none", lang))
    else:
        last = store.undoable(data_dir)
        if last is not None:
            st.caption(
                t(
                    "store.history.undo_what",
                    lang,
                    file=escape_markdown(last.file),  # from the change log: user text, shown as typed
                    time=last.shown_time,
                    editor=escape_markdown(last.editor),
                    counts=format_list(
                        [
                            plural(f"store.count_{kind}", lang, count, n=format_number(count, lang))
                            for kind, count in (
                                ("added", last.added),
                                ("changed", last.changed),
                                ("removed", last.removed),
                            )
                        ],
                        lang,
                    ),
                )
            )
            if access.allowed("undo") and st.button(
                t("store.history.undo", lang), icon=":material/undo:", key="data_undo"
            ):
                result = store.undo_last(data_dir, editor_name)
                if result.saved:
                    st.session_state["data_flash"] = result.summary(lang)
                    st.rerun()
                st.session_state["data_flash_error"] = (result.summary(lang), result.problems)
                st.rerun()
        st.subheader(t("store.history.last", lang))
        latest = pd.DataFrame(
            [
                {
                    "file": name,
                    "time": change.shown_time,
                    "editor": change.editor,
                    "action": t(f"store.action.{change.action}", lang),
                }
                for name, change in sorted(store.file_history(data_dir).items())
            ]
        )
        st.dataframe(_headers(latest), hide_index=True, width="stretch")
        st.subheader(t("store.history.log", lang))
        log["action"] = [
            t(f"store.action.{action}", lang) if has_key(f"store.action.{action}") else action
            for action in log["action"]
        ]
        st.dataframe(_headers(log), hide_index=True, width="stretch")

    # A member's own data on request (registerutdrag, GDPR art. 15): the administrator's, logged.
    if access.allowed("forget_member"):
        with st.expander(t("privacy.export_heading", lang), icon=":material/badge:"):
            st.caption(t("privacy.export_help", lang))
            wanted = st.text_input(t("access.forget_member", lang), key="data_export_member", max_chars=40)
            if st.button(t("privacy.export_button", lang), key="data_export", disabled=not wanted.strip()):
                try:
                    st.session_state["data_export_files"] = export_files(data_dir, wanted.strip(), editor_name)
                except (DataError, UsageError) as exc:
                    st.session_state.pop("data_export_files", None)
                    show_problem_list(exc.problems, lang)
            ready = st.session_state.get("data_export_files")
            if ready:
                for name, content, mime in ready:
                    st.download_button(
                        t("privacy.export_download", lang, file=name),
                        content,
                        file_name=name,
                        mime=mime,
                        key=f"data_export_{name}",
                    )

    # Forgetting a former member (docs/privacy.md): the administrator's, never undone.
    if access.allowed("forget_member"):
        with st.expander(t("access.forget_heading", lang), icon=":material/person_remove:"):
            st.caption(t("access.forget_help", lang))
            member_id = st.text_input(t("access.forget_member", lang), key="data_forget_member", max_chars=40)
            sure = st.checkbox(t("access.forget_confirm", lang), key="data_forget_confirm")
            if st.button(t("access.forget_button", lang), key="data_forget", disabled=not (member_id.strip() and sure)):
                try:
                    forgotten = forget_member(data_dir, member_id.strip(), editor=editor_name)
                except DataError as exc:
                    st.session_state["data_flash_error"] = (t("access.forget_refused", lang), exc.problems)
                else:
                    key = "access.cli.forgotten" if forgotten.files else "access.cli.nothing_to_forget"
                    st.session_state["data_flash"] = t(
                        key, lang, member=forgotten.member_id, pseudonym=forgotten.pseudonym, files=len(forgotten.files)
                    )
                st.rerun()
