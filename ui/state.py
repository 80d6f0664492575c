"""The user's choices (as-of date, comparison date, language) and the loaded data, for every page.

The choices live in the URL's query parameters (``?as_of=2026-10-12&compare=2026-06-01&lang=en``)
so a board member can share a link that opens the same view. Loading is cached on the data files'
names, sizes and modification times, so a saved file shows on the next rerun and nothing stale is
ever shown.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import streamlit as st

from kpi import clock
from kpi import paths as config
from kpi.judge.forecast import months_before
from kpi.judge.rules import MetricStatus, evaluate_all
from kpi.model.dataset import Dataset
from kpi.model.problems import DataError, Problem, errors, warnings
from kpi.model.targets import Config
from kpi.read.load import data_fingerprint, load_dataset
from kpi.read.targets import load_config
from kpi.show.meeting import ChangeGroup, GoalRow, Since, goal_rows, since_changes, since_choice
from kpi.text.dates import AS_OF_EARLIEST, AS_OF_LATEST, in_as_of_range, parse_typed_date
from kpi.text.i18n import LANGUAGES, format_date, normalise_language, plural, t
from kpi.write.packs import snapshots_dir
from ui import access
from ui.text import escape_markdown

_log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class ViewState:
    as_of: dt.date
    compare: dt.date
    lang: str
    data_dir: Path
    targets: Path


def default_compare(as_of: dt.date) -> dt.date:
    """ "Since last meeting" defaults to three months back, a typical gap between board meetings."""
    return months_before(as_of, 3)


def current_language() -> str:
    """The language before the sidebar is drawn (page titles need it): from the URL or session."""
    value = st.session_state.get("lang") or st.query_params.get("lang")
    return normalise_language(value)


def _good_key(key: str) -> str:
    return f"_{key}_last_good"


def _bad_key(key: str) -> str:
    return f"_{key}_not_a_date"


def _apply_typed_date(key: str, default: dt.date) -> None:
    """On Enter: a date goes back into the field (and the URL) as ISO; anything else is remembered
    to be named in an error, and the field returns to the last good date."""
    typed = st.session_state.get(key)
    parsed = parse_typed_date(typed)
    if parsed is None or not in_as_of_range(parsed):
        st.session_state[_bad_key(key)] = str(typed or "")
        st.session_state[key] = st.session_state.get(_good_key(key)) or default.isoformat()
        return
    st.session_state.pop(_bad_key(key), None)
    st.session_state[key] = parsed.isoformat()  # written back even when unchanged: the URL follows it


def _set_today(key: str) -> None:
    st.session_state.pop(_bad_key(key), None)
    st.session_state[key] = clock.today().isoformat()


def date_field(
    key: str, label: str, help_text: str, default: dt.date, lang: str, today_button: bool = False
) -> dt.date:
    """A date typed as text, applied on Enter: ``st.date_input`` cannot be localised (English months,
    "Choose date", weeks from Sunday), a text field is Swedish in the Swedish view.

    The field is bound to the URL under ``key`` (always ISO there, ``?as_of=2026-10-12``); it reads
    ``2026-10-12``, ``20261012`` and ``12/10/2026`` (:func:`kpi.text.dates.parse_typed_date`). Text that
    is not a date is named in an error in the user's language, and the last good date stays.
    """
    hint = t("dates.format_hint", lang)
    field, button = st.columns([2, 1], vertical_alignment="bottom") if today_button else (st.container(), None)
    typed = field.text_input(
        label,
        value=default.isoformat(),
        key=key,
        bind="query-params",
        on_change=_apply_typed_date,
        args=(key, default),
        placeholder=hint,
        help=f"{help_text} {t('dates.forms_help', lang, hint=hint)}",
        max_chars=40,
    )
    if button is not None:
        button.button(
            t("dates.today", lang),
            key=f"{key}_today",
            on_click=_set_today,
            args=(key,),
            help=t("dates.today_help", lang),
        )
    parsed = parse_typed_date(typed)
    if parsed is not None and not in_as_of_range(parsed):
        parsed = None  # a real date, but outside the range the dashboard can compute around
    bad = st.session_state.pop(_bad_key(key), None)
    if parsed is None:  # not a date in the URL itself: say so, and show the last good date (or the default)
        bad = typed if bad is None else bad
        parsed = parse_typed_date(st.session_state.get(_good_key(key))) or default
    else:
        st.session_state[_good_key(key)] = parsed.isoformat()
    if bad is not None:
        outside = parse_typed_date(bad)
        if outside is not None:  # a date, but outside the documented range
            st.error(
                t(
                    "privacy.date_out_of_range",
                    lang,
                    text=escape_markdown(bad),
                    earliest=AS_OF_EARLIEST.isoformat(),
                    latest=AS_OF_LATEST.isoformat(),
                    date=format_date(parsed, lang),
                )
            )
        else:
            st.error(t("dates.not_a_date", lang, text=escape_markdown(bad), date=format_date(parsed, lang), hint=hint))
    return parsed


def typed_date(
    label: str,
    lang: str,
    *,
    key: str | None = None,
    default: dt.date | None = None,
    required: bool = True,
    help_text: str | None = None,
    where: Any = None,
) -> tuple[dt.date | None, bool]:
    """A date typed as text inside a form or a page (not the URL): Swedish in the Swedish view,
    for the same reason as :func:`date_field`. Returns the date and whether the text is usable:
    text that is not a date (or an empty required field) is named in an error under the field,
    and the caller does nothing with it."""
    where = where if where is not None else st
    hint = t("dates.format_hint", lang)
    typed = where.text_input(
        label,
        value=default.isoformat() if default else "",
        key=key,
        placeholder=hint,
        help=" ".join(part for part in (help_text, t("dates.typed_help", lang, hint=hint)) if part),
        max_chars=40,
    )
    if not (typed or "").strip():
        if required:
            where.error(t("dates.missing", lang, hint=hint))
        return None, not required
    parsed = parse_typed_date(typed)
    if parsed is None:
        where.error(t("dates.not_a_date_here", lang, text=escape_markdown(typed), hint=hint))
        return None, False
    return parsed, True


def _through_the_app() -> None:
    """Run the page through app.py's ``st.navigation``, never as a bare file of ``pages/``.

    Streamlit keeps its old multipage mode (every file in ``pages/`` a page, named by its file)
    switched on for the whole process until some run calls ``st.navigation``. So when the first
    visitor after a start opens a page's URL directly (``/members``), Streamlit ran
    ``pages/members.py`` alone: its own file-name menu ("app", "about", …) in the sidebar, and
    app.py's language and access checks skipped. The page's URL path is its hash in both modes,
    so switching the old mode off and rerunning lands on the same page through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    # Only on a session's first run: the mode, once off, stays off in a server, and a rerun later
    # would drop the click that started the run (AppTest switches the mode on before every run).
    if st.session_state.get("_through_the_app_checked"):
        return
    st.session_state["_through_the_app_checked"] = True
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def sidebar() -> ViewState:
    """Draw the sidebar's choices and return them; every page calls this first."""
    _through_the_app()
    lang = current_language()
    settings = configuration()
    with st.sidebar:
        if settings is not None and settings.organisation is not None:  # whose dashboard this is
            st.markdown(f"**{escape_markdown(settings.organisation.name)}**")
        # Codes as labels: a format_func would break the URL binding (Streamlit 1.67).
        lang = (
            st.segmented_control(
                "Språk / Language",
                options=list(LANGUAGES),
                default="sv",
                key="lang",
                bind="query-params",
                required=True,
            )
            or "sv"
        )
        lang = normalise_language(lang)
        today = clock.today()
        as_of = date_field("as_of", t("ui.as_of", lang), t("ui.as_of_help", lang), today, lang, today_button=True)
        compare = date_field("compare", t("ui.compare", lang), t("ui.compare_help", lang), default_compare(as_of), lang)
        access.sign_in_controls(lang)
    return ViewState(
        as_of=as_of,
        compare=compare,
        lang=lang,
        data_dir=config.data_dir(),
        targets=config.targets_path(),
    )


@st.cache_resource(show_spinner=False, max_entries=4)
def _config(targets: str, stamp: tuple[int, int]) -> Config | None:
    try:
        return load_config(Path(targets))
    except DataError:  # the overview (every page) says what is wrong; the menu lists the built-in pages
        return None


def configuration() -> Config | None:
    """The configuration (targets.yaml) for the menu and the sidebar, before any page loads the data;
    read again when the file changes. None when it cannot be read."""
    path = config.targets_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    return _config(str(path), (stat.st_mtime_ns, stat.st_size))


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(data_dir: str, targets: str, fingerprint: tuple) -> Dataset | DataError:
    try:
        return load_dataset(Path(data_dir), Path(targets))
    except DataError as exc:  # cached too, so a broken targets.yaml is not re-read on every rerun
        return exc
    except Exception:  # noqa: BLE001 - a file the reader did not foresee must not be a traceback page
        # The detail goes to the server's log; the page says what happened in the user's words.
        _log.exception("loading %s with %s failed", data_dir, targets)
        return DataError([Problem(Path(data_dir).name, "load_failed")])


def dataset(state: ViewState) -> Dataset | None:
    """The loaded data, or ``None`` after explaining on the page why there is none."""
    result = _load(str(state.data_dir), str(state.targets), data_fingerprint(state.data_dir, state.targets))
    if isinstance(result, DataError):
        st.error(t("ui.targets_broken", state.lang))
        show_problem_list(result.problems, state.lang)
        return None
    if not state.data_dir.is_dir():
        st.warning(t("ui.no_data_folder", state.lang, path=shown_path(state.data_dir)))
        return None
    return result


def open_page() -> tuple[ViewState, Dataset]:
    """The start of a page: the sidebar's choices, the data (or a stop that says why), the notices."""
    state = sidebar()
    data = dataset(state)
    if data is None:
        st.stop()
    notices(data, state)
    return state, data


class _Shared:
    """A small cache shared by every session of the server, bounded, safe across threads.

    Streamlit runs each session's script in its own thread; the board's overview is the same
    for everyone who looks at the same data on the same date in the same language, so its work
    is done once. An entry may keep an object (the dataset) whose identity is part of the key,
    so that a recycled ``id`` can never return another dataset's results.
    """

    def __init__(self, max_entries: int) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[object, Any]] = OrderedDict()
        self._max = max_entries

    def get(self, key: Hashable, owner: object, compute: Callable[[], T]) -> T:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] is owner:
                self._entries.move_to_end(key)
                return cast(T, hit[1])
        result = compute()  # outside the lock: two sessions may both compute once, never wait on each other
        with self._lock:
            self._entries[key] = (owner, result)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_SHARED = _Shared(max_entries=256)


def statuses(data: Dataset, when: dt.date) -> list[MetricStatus]:
    """Every metric judged at ``when``, once for all sessions showing the same data on that date.

    The dataset is shared between sessions (it is cached on the files' fingerprint), so its
    statuses at a date are too: twenty board members opening the overview at a meeting cost one
    evaluation, not twenty. A changed file loads a new dataset and so new statuses.
    """
    return list(_SHARED.get((id(data), "statuses", when), data, lambda: evaluate_all(data.config, data.series, when)))


def meeting_rows(data: Dataset, when: dt.date, lang: str) -> list[GoalRow]:
    """The overview's rows (worst first, each with its reason), once per (data, as-of, language)."""
    return list(
        _SHARED.get((id(data), "rows", when, lang), data, lambda: goal_rows(statuses(data, when), data.config, lang))
    )


def _snapshots_fingerprint(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    try:
        with os.scandir(snapshots_dir(data_dir)) as entries:
            return tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in entries if e.is_file()))
    except OSError:
        return ()


def since(state: ViewState) -> Since:
    """The page's one "since" date: the last board pack before the as-of date, else the comparison
    date. Reading a pack rebuilds and judges its goals, so this is shared too, keyed on the packs'
    names, sizes and times (a pack saved a minute ago is seen on the next rerun)."""
    key = ("since", str(state.data_dir), state.as_of, state.compare, state.lang, _snapshots_fingerprint(state.data_dir))
    return _SHARED.get(key, None, lambda: since_choice(state.data_dir, state.as_of, state.compare, state.lang))


def changes(data: Dataset, as_of: dt.date, moment: Since, lang: str, comments: bool) -> list[ChangeGroup]:
    """What moved since ``moment``, in the board's order, once for every viewer with the same role."""

    def compute() -> list[ChangeGroup]:
        before = statuses(data, moment.date) if moment.pack is None else []
        return since_changes(data, statuses(data, as_of), before, moment, lang, comments=comments)

    pack_key = (str(moment.pack.path), moment.pack.created) if moment.pack is not None else None
    return list(_SHARED.get((id(data), "changes", as_of, moment.date, pack_key, lang, comments), data, compute))


def notices(data: Dataset, state: ViewState) -> None:
    """Example-data notice and the problems banner: shown at the top of every page."""
    if config.is_example_data(state.data_dir):
        st.info(t("ui.example_data", state.lang, path=shown_path(state.data_dir)), icon="ℹ️")
    found_errors, found_warnings = errors(data.problems), warnings(data.problems)
    if found_errors:
        st.error(plural("ui.data_errors", state.lang, len(found_errors)), icon="⚠️")
        show_data_problems(found_errors, state.lang)
    if found_warnings:
        with st.expander(plural("ui.data_warnings", state.lang, len(found_warnings))):
            show_data_problems(found_warnings, state.lang)


def show_data_problems(problems: list[Problem], lang: str) -> None:
    """Problems in the data files, for this viewer: a message quotes the cell (a free-text leave
    reason, a survey answer), so only roles that may see member data read the messages; everyone
    else sees where each problem is (file, row, column), not what the cell holds."""
    if access.allowed("view_member_data"):
        show_problem_list(problems, lang)
        return
    st.text("\n".join(problem.location() for problem in problems[:50]))
    st.caption(t("privacy.problem_details_hidden", lang))


def shown_path(folder: Path) -> str:
    """The data folder as a person knows it: relative to the project when it is inside it; to
    visitors without a role only its name, nothing of the server's file system."""
    if not access.allowed("view_member_data"):
        return folder.name
    try:
        return folder.resolve().relative_to(config.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(folder)


def show_problem_list(problems: list[Problem], lang: str, limit: int = 50) -> None:
    """The problems as plain text, one ``file:row:column: message`` a line.

    Messages quote cells, file names and ids as typed, so they are never rendered as Markdown or
    HTML: a cell holding ``![x](https://…)`` must show those characters, not fetch an image.
    """
    lines = [p.format(lang) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(t("ui.more_problems", lang, count=len(problems) - limit))
    st.text("\n".join(lines))
