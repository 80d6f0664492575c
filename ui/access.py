"""Who is looking, for every page: the signed-in account (OpenID Connect through ``st.login``) or
the shared editor password as a fallback, turned into a :class:`~kpi.model.access.Viewer`.

The decision what a viewer may see is :func:`kpi.model.access.may`; this module only finds the
viewer and draws the sign-in controls. A page asks :func:`allowed` (or :func:`require`), never
another page's session keys.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kpi import paths
from kpi.model.access import (
    ANONYMOUS,
    AccessPolicy,
    Permission,
    Viewer,
    may,
    member_level,
    password_editor,
    viewer_for,
)
from kpi.model.dataset import Dataset
from kpi.model.problems import DataError
from kpi.read.access import load_access
from kpi.show.registers import BehindTable
from kpi.text.i18n import t
from kpi.write import auth
from ui.text import escape_markdown

_PASSWORD_KEY = "access_password_editor"  # set only by unlock_with_password below


def sign_in_configured() -> bool:
    """Whether ``[auth]`` is configured in ``.streamlit/secrets.toml`` (an identity provider)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError, OSError):
        return False
    except Exception:  # noqa: BLE001 - a broken secrets file must not take the dashboard down
        return False


@st.cache_resource(show_spinner=False, max_entries=4)
def _policy(path: str, modified: float) -> AccessPolicy | DataError:
    try:
        return load_access(Path(path))
    except DataError as exc:
        return exc


def policy() -> AccessPolicy:
    """The access policy in force; a broken ``access.yaml`` shows member data to nobody."""
    path = paths.access_path()
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0
    found = _policy(str(path), modified)
    if isinstance(found, DataError):
        return AccessPolicy(public="aggregates", roles={})
    return found


def current_viewer() -> Viewer:
    """The signed-in account, else whoever unlocked with the editor password, else anonymous."""
    viewer = _current_viewer()
    note_upload_right(viewer)
    return viewer


def _current_viewer() -> Viewer:
    if sign_in_configured():
        try:
            if st.user.is_logged_in:
                return viewer_for(
                    policy(),
                    str(st.user.get("email") or ""),
                    str(st.user.get("name") or ""),
                    verified=st.user.get("email_verified"),
                    issuer=str(st.user.get("iss") or ""),
                )
        except Exception:  # noqa: BLE001 - no user information (AppTest, a proxy without cookies)
            pass
    name = st.session_state.get(_PASSWORD_KEY)
    return password_editor(name) if isinstance(name, str) and name else ANONYMOUS


def allowed(permission: Permission) -> bool:
    return may(current_viewer(), permission, policy())


def require(permission: Permission, lang: str) -> Viewer:
    """Stop the page with a sign-in prompt unless the viewer has ``permission``."""
    viewer = current_viewer()
    if not may(viewer, permission, policy()):
        st.info(t("access.need_role" if viewer.signed_in else "access.need_sign_in", lang))
        if viewer.unverified:
            st.warning(t("privacy.unverified_email", lang))
        if not viewer.signed_in and sign_in_configured():
            st.button(t("access.sign_in", lang), on_click=st.login, type="primary", key="access_sign_in_page")
        st.stop()
    return viewer


def password_client() -> tuple[str, str]:
    """Whom the editor password's wrong attempts are counted against: the client address the
    trusted proxy saw (:func:`kpi.write.auth.client_address`), and this browser session's id, which
    is the count when the address cannot be known."""
    context = get_script_run_ctx()
    session = context.session_id if context is not None else ""
    return auth.client_address(st.context.ip_address, dict(st.context.headers or {})), session


def unlock_with_password(name: str) -> None:
    """The Data page's password form succeeded: this browser session edits as ``name`` (staff)."""
    st.session_state[_PASSWORD_KEY] = name


def lock() -> None:
    """Forget the password unlock of this browser session."""
    st.session_state.pop(_PASSWORD_KEY, None)


def sign_in_controls(lang: str) -> None:
    """Sidebar: who is signed in (and their role), with sign-in and sign-out buttons."""
    viewer = current_viewer()
    if viewer.email:
        role = t(f"access.role.{viewer.role}", lang) if viewer.role else t("access.role.none", lang)
        st.caption(t("access.signed_in_as", lang, email=escape_markdown(viewer.email), role=role))
        if viewer.unverified:
            st.caption(t("privacy.unverified_email", lang))
        st.button(t("access.sign_out", lang), on_click=st.logout, key="access_sign_out")
    elif viewer.signed_in:
        st.caption(t("access.unlocked_as", lang, name=escape_markdown(viewer.name or "")))
        st.button(t("access.lock", lang), on_click=lambda: st.session_state.pop(_PASSWORD_KEY, None), key="access_lock")
    elif sign_in_configured():
        st.button(t("access.sign_in", lang), on_click=st.login, key="access_sign_in")


def visible_behind(data: Dataset, tables: list[BehindTable], lang: str) -> list[BehindTable]:
    """The "which ones?" tables this viewer may see; a note says when member lists were held back."""
    if allowed("view_member_data"):
        return tables
    shown = [table for table in tables if not member_level(_register(data, table.metric_id))]
    if len(shown) < len(tables):
        st.caption(t("access.members_hidden", lang))
    return shown


def _register(data: Dataset, metric_id: str) -> str | None:
    source = data.config.metric(metric_id).source
    return source.register_name if source else None


def visible_observations(rows: list[dict[str, str]], lang: str) -> list[dict[str, str]]:
    """A metric's rows for this viewer: a note may name a member, so the note column is shown only
    to roles that may see member data (as reports already leave notes out)."""
    if allowed("view_member_data") or not rows:
        return rows
    note = t("dashboard.obs_note", lang)
    if not any(note in row for row in rows):
        return rows
    st.caption(t("privacy.notes_hidden", lang))
    return [{key: value for key, value in row.items() if key != note} for row in rows]


# --- what a session may make the server hold ------------------------------------------------------
# Any websocket session can ask Streamlit for upload URLs and PUT files with its own XSRF token,
# whether or not a page shows it an uploader, and Streamlit keeps every file in memory until the
# session ends. Only sessions whose viewer may edit data (the Data page's uploader) have their files
# kept, at most UPLOAD_FILES_PER_SESSION of them; everyone else's are dropped on arrival.
UPLOAD_FILES_PER_SESSION = 4
_UPLOADERS: set[str] = set()
_GUARD_LOCK = threading.Lock()
_GUARDED: set[int] = set()


def note_upload_right(viewer: Viewer) -> None:
    """Remember whether this browser session may upload (called on each run, for the viewer)."""
    context = get_script_run_ctx()
    if context is None:
        return
    with _GUARD_LOCK:
        if may(viewer, "edit_data", policy()):
            _UPLOADERS.add(context.session_id)
        else:
            _UPLOADERS.discard(context.session_id)
    _guard_uploads()


def _guard_uploads() -> None:
    """Wrap the runtime's uploaded-file manager once, so it keeps files only for uploaders."""
    try:
        from streamlit import runtime

        if not runtime.exists():
            return
        manager = runtime.get_instance().uploaded_file_mgr
    except Exception:  # noqa: BLE001 - no runtime (AppTest, bare mode): nothing to guard
        return
    with _GUARD_LOCK:
        if id(manager) in _GUARDED or not hasattr(manager, "add_file"):
            return
        original = manager.add_file

        def add_file(session_id: str, file: Any) -> None:
            with _GUARD_LOCK:
                allowed = session_id in _UPLOADERS
            if not allowed:
                return  # not kept: a session without the staff role has no uploader to fill
            storage = getattr(manager, "file_storage", {}).get(session_id, {})
            if len(storage) >= UPLOAD_FILES_PER_SESSION and file.file_id not in storage:
                manager.remove_session_files(session_id)  # the oldest go: a staff member re-uploads
            original(session_id, file)

        manager.add_file = add_file
        _GUARDED.add(id(manager))
