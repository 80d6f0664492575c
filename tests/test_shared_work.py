"""Work shared across sessions: statuses are computed once per (dataset, as-of date)."""

from __future__ import annotations

from kpi.read.load import load_dataset
from tests.support import FIXTURES, TODAY, d
from ui import state


def test_statuses_are_computed_once_per_dataset_and_date(monkeypatch):
    calls = []
    real = state.evaluate_all
    monkeypatch.setattr(state, "evaluate_all", lambda *args: calls.append(args[2]) or real(*args))
    data = load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml", today=TODAY)
    first = state.statuses(data, d("2026-06-30"))
    second = state.statuses(data, d("2026-06-30"))  # another session, the same view
    assert calls == [d("2026-06-30")] and [a is b for a, b in zip(first, second)] == [True] * len(first)
    second.pop()  # a caller's list is its own
    assert len(state.statuses(data, d("2026-06-30"))) == len(first)
    state.statuses(data, d("2026-03-31"))
    assert calls == [d("2026-06-30"), d("2026-03-31")]
    reloaded = load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml", today=TODAY)
    state.statuses(reloaded, d("2026-06-30"))  # a file changed: a new dataset, new statuses
    assert len(calls) == 3


def _view(data_dir, as_of, lang="sv", compare="2026-03-30"):
    return state.ViewState(as_of=d(as_of), compare=d(compare), lang=lang, data_dir=data_dir, targets=data_dir)


def test_overview_rows_are_built_once_per_data_date_and_language(monkeypatch):
    calls = []
    real = state.goal_rows
    monkeypatch.setattr(state, "goal_rows", lambda items, config, lang: calls.append(lang) or real(items, config, lang))
    data = load_dataset(FIXTURES / "basic" / "data", FIXTURES / "basic" / "targets.yaml", today=TODAY)
    first = state.meeting_rows(data, d("2026-06-30"), "sv")
    again = state.meeting_rows(data, d("2026-06-30"), "sv")
    assert calls == ["sv"] and first == again and first is not again  # each session gets its own list
    english = state.meeting_rows(data, d("2026-06-30"), "en")
    assert calls == ["sv", "en"]
    assert [row.word for row in english] != [row.word for row in first]  # "Uppnått" is "Reached"
    state.meeting_rows(data, d("2026-03-31"), "sv")
    assert calls == ["sv", "en", "sv"]


def test_a_board_pack_saved_a_moment_ago_is_the_next_views_since(copy_fixture):
    from kpi.write import packs

    data_dir, targets = copy_fixture("basic")
    data = load_dataset(data_dir, targets, today=TODAY)
    view = _view(data_dir, "2026-06-30")
    before = state.since(view)
    assert before.pack is None and before.date == d("2026-03-30")
    assert state.since(view) is before  # shared while the packs are unchanged
    packs.save_pack(data, d("2026-03-31"), {"social_followers": "Kampanj i april"}, "Anna")
    after = state.since(view)
    assert after.pack is not None and after.date == d("2026-03-31")
    with_comments = state.changes(data, view.as_of, after, "sv", comments=True)
    without = state.changes(data, view.as_of, after, "sv", comments=False)
    said = "Följare i sociala medier: Kampanj i april"
    assert any(said in group.lines for group in with_comments)
    assert not any(said in line for group in without for line in group.lines)  # a role apart: its own entry
