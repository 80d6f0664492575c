"""The Medlemmar page in Streamlit's AppTest, on tests/fixtures/registers (values worked out in its
targets.yaml header): it runs, shows the member numbers and lists, and follows the as-of date."""

from __future__ import annotations

import json

import pytest

from tests.support import FIXTURES, page_tables, page_texts
from ui.text import escape_markdown

FIXTURE = FIXTURES / "registers"


@pytest.fixture
def page(register_page):
    return register_page("members")


texts, table_text = page_texts, page_tables


def test_members_page_shows_the_register(page):
    at = page("2026-06-30")
    assert not at.exception
    shown = texts(at)
    assert "6 medlemmar per 30 juni 2026." in shown
    assert "**2026** hittills: 3 nya medlemmar och 2 utträden." in shown
    assert "Alla medlemmar per 30 juni 2026 (6)" in shown
    assert escape_markdown("Vilka? Restauranger som är medlemmar (2 rader)") in shown
    tables = table_text(at)
    assert "Nya Kaféet" in tables and "Såld" in tables  # M03 left: sold
    assert "Odlarna" not in tables  # M09 joins 2026-09-01
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    over_time = charts[0]["data"][0]["y"]
    assert over_time[-7:] == [5, 6, 5, 6, 5, 6, 6]  # 2025-12 … 2026-06 month ends


def test_as_of_changes_the_numbers(page):
    at = page("2026-09-30")
    assert not at.exception
    shown = texts(at)
    assert "Alla medlemmar per 30 sep. 2026 (7)" in shown
    assert "**2026** hittills: 4 nya medlemmar och 2 utträden." in shown
    assert "Odlarna" in table_text(at)


def test_members_page_in_english(page):
    at = page("2026-06-30", "en")
    assert not at.exception
    assert "All members as of 30 Jun 2026 (6)" in texts(at)
    assert "Restaurant" in table_text(at)


def test_an_anonymous_visitor_sees_no_member_name(page):
    import csv

    names = [
        row["name"]
        for row in csv.DictReader(
            (FIXTURE / "data" / "members.csv").read_bytes().decode("cp1252").splitlines(), delimiter=";"
        )
    ]
    at = page("2026-06-30", unlocked_as=None)
    assert not at.exception
    shown = texts(at) + table_text(at)
    assert names and not [name for name in names if name in shown]
    assert "Listor med enskilda medlemmar visas för inloggad styrelse och personal." in shown
    signed_in = page("2026-06-30")
    assert any(name in texts(signed_in) + table_text(signed_in) for name in names)
