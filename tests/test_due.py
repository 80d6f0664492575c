"""``kpi due`` and the Data page's "Att uppdatera": what is due, by when, whose, and how to get it.

tests/fixtures/basic: newsletter_subscribers and social_followers (monthly) have their last values
on 2026-05-31, so June's values are awaited (period 2026-06-30, due 2026-07-10).
"""

from __future__ import annotations

import datetime as dt
import json

from kpi.cli import main
from kpi.read.load import load_dataset
from kpi.show.due import due_items, period_end


def args(targets, data, *more: str) -> list[str]:
    return ["due", "--data", str(data), "--targets", str(targets), *more]


def with_owner(targets) -> None:
    text = targets.read_text(encoding="utf-8")
    text = text.replace(
        "  - id: newsletter_subscribers\n", "  - id: newsletter_subscribers\n    owner: kommunikation@example.org\n", 1
    )
    targets.write_text(text, encoding="utf-8")


def test_a_monthly_value_is_due_after_its_month_and_overdue_after_the_10th(copy_fixture, capsys):
    data, targets = copy_fixture("basic")
    with_owner(targets)
    assert main(args(targets, data, "--as-of", "2026-06-30", "--format", "json")) == 0
    assert "newsletter_subscribers" not in [row["metric"] for row in json.loads(capsys.readouterr().out)]
    assert main(args(targets, data, "--as-of", "2026-07-05", "--format", "json")) == 0
    rows = {row["metric"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["newsletter_subscribers"] == {
        "metric": "newsletter_subscribers",
        "name": "Prenumeranter på nyhetsbrevet",
        "owner": "kommunikation@example.org",
        "last": "2026-05-31",
        "period": "2026-06-30",
        "due": "2026-07-10",
        "overdue": False,
        "export": "mailchimp_audience",
        "fetch": "Mailchimp → Målgrupp → Alla kontakter → Exportera målgrupp (ZIP)",
    }
    assert main(args(targets, data, "--as-of", "2026-07-11", "--format", "json")) == 0
    rows = {row["metric"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["newsletter_subscribers"]["overdue"] is True


def test_the_table_names_the_owner_or_says_there_is_none(copy_fixture, capsys):
    data, targets = copy_fixture("basic")
    with_owner(targets)
    assert main(args(targets, data, "--as-of", "2026-07-11")) == 0
    out = capsys.readouterr().out
    assert out.startswith("Att uppdatera\n")
    assert (
        "- Prenumeranter på nyhetsbrevet: värdet för 30 juni 2026 ska in senast 10 juli 2026 (försenat) — "
        "kommunikation@example.org. Mailchimp → Målgrupp → Alla kontakter → Exportera målgrupp (ZIP)"
    ) in out
    assert (
        "Följare i sociala medier: värdet för 30 juni 2026 ska in senast 10 juli 2026 (försenat) — ingen ansvarig"
        in out
    )


def test_goals_computed_from_registers_are_never_due(copy_fixture):
    data, targets = copy_fixture("registers")
    dataset = load_dataset(data, targets, today=dt.date(2026, 11, 23))
    ids = [item.metric.id for item in due_items(dataset, dt.date(2026, 11, 23))]
    computed = [metric.id for metric in dataset.config.metrics if metric.source is not None]
    assert computed and not set(ids) & set(computed)


def test_a_value_from_an_open_month_awaits_that_months_end(copy_fixture):
    data, targets = copy_fixture("basic")
    path = data / "metrics" / "communication.csv"
    path.write_text(path.read_text(encoding="utf-8") + "newsletter_subscribers,2026-06-20,6950,,\n", encoding="utf-8")
    dataset = load_dataset(data, targets, today=dt.date(2026, 7, 2))
    [item] = [item for item in due_items(dataset, dt.date(2026, 7, 2)) if item.metric.id == "newsletter_subscribers"]
    assert (item.last, item.period, item.due) == (dt.date(2026, 6, 20), dt.date(2026, 6, 30), dt.date(2026, 7, 10))


def test_period_ends():
    assert period_end(dt.date(2026, 2, 3), "monthly") == dt.date(2026, 2, 28)
    assert period_end(dt.date(2026, 11, 3), "quarterly") == dt.date(2026, 12, 31)
    assert period_end(dt.date(2026, 4, 1), "quarterly") == dt.date(2026, 6, 30)
    assert period_end(dt.date(2026, 4, 1), "yearly") == dt.date(2026, 12, 31)


def test_the_data_page_opens_with_what_is_due(copy_fixture, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from kpi import clock
    from kpi.write import auth
    from tests.support import ROOT

    data, targets = copy_fixture("basic")
    with_owner(targets)
    monkeypatch.setenv(clock.ENV, "2026-07-11")
    clock.set_today(dt.date(2026, 7, 11))
    monkeypatch.setenv("KPI_DATA_DIR", str(data))
    monkeypatch.setenv("KPI_TARGETS", str(targets))
    monkeypatch.setenv(auth.ENV, "Rödbeta-2026")
    auth.CLIENT_THROTTLES.reset()
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=30).run()
    at.text_input(key="data_login_name").input("Anna")
    at.text_input(key="data_login_password").input("Rödbeta-2026")
    at.main.button[0].click().run()
    assert not at.exception
    assert at.expander[0].label.startswith("Att uppdatera (")
    text = at.expander[0].markdown[0].value.replace("\\", "")  # shown escaped for Markdown
    assert "Prenumeranter på nyhetsbrevet: värdet för 30 juni 2026 ska in senast 10 juli 2026 (försenat)" in text
    assert "— kommunikation@example.org. Mailchimp → Målgrupp" in text
