"""User text reaches browsers as text, and errors reach them without server details.

Cells echoed in the problem banner (on every page), a CR-only file and a broken file next to good
ones: the pages stay up, the banner is plain text, nothing fetches a remote image.
"""

from __future__ import annotations

import tomllib

from tests.support import ROOT

HOSTILE_CELL = "![x](https://example.com/track.png) [klick](https://example.com) **fet** www.example.com"


def test_visitors_never_see_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_the_problem_banner_shows_cells_as_plain_text(copy_fixture, use_data, run_page):
    data, targets = copy_fixture("basic")
    (data / "metrics" / "bad.csv").write_text(
        f"metric;date;value\nnewsletter_subscribers;2026-06-30;{HOSTILE_CELL}\n", encoding="utf-8"
    )
    use_data(data, targets)
    at = run_page("overview", unlocked_as="Anna")  # a role that may read the cells
    assert not at.exception
    shown = "\n".join(element.value for element in at.text)
    assert f"data/metrics/bad.csv:2:value: ”{HOSTILE_CELL}” är inte ett tal" in shown
    assert not any("example.com" in element.value for element in at.markdown)
    anonymous = run_page("overview")  # where the problem is, not what the cell holds
    shown = "\n".join(element.value for element in [*anonymous.text, *anonymous.markdown, *anonymous.caption])
    assert "data/metrics/bad.csv:2:value" in shown and "example.com" not in shown


def test_a_cr_only_file_and_a_broken_file_do_not_take_down_the_pages(copy_fixture, use_data, run_page):
    data, targets = copy_fixture("basic")
    (data / "metrics" / "mac.csv").write_bytes(b"metric;date;value\rsocial_followers;2026-06-30;10500\r")
    (data / "metrics" / "wide.csv").write_bytes(b"metric;date;value" + b";" * 5000 + b"\n")
    use_data(data, targets)
    for page in ("overview", "communication", "about"):
        at = run_page(page, unlocked_as="Anna")
        assert not at.exception, page
    shown = "\n".join(element.value for element in at.text)
    assert "data/metrics/wide.csv:1: rubrikraden har fler än 200 kolumner" in shown
    assert "mac.csv" not in shown  # read, not refused


def test_an_unforeseen_loading_error_is_a_message_not_a_traceback(copy_fixture, use_data, run_page, monkeypatch):
    import kpi.read.load

    data, targets = copy_fixture("basic")
    use_data(data, targets)

    def broken(*args, **kwargs):
        raise RuntimeError("/srv/secret/path exploded")

    monkeypatch.setattr(kpi.read.load, "load_dataset", broken)
    import ui.state

    monkeypatch.setattr(ui.state, "load_dataset", broken)
    at = run_page("overview")
    assert not at.exception
    shown = "\n".join(element.value for element in at.text)
    assert "datamappen kunde inte läsas på grund av ett oväntat fel" in shown
    assert "/srv/secret" not in shown
