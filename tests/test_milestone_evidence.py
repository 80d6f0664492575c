"""Milestone evidence in the English view: English where the file has it, else marked as Swedish."""

from __future__ import annotations

import pandas as pd

from kpi.show.registers import display_table, milestone_evidence


def test_english_evidence_where_there_is_some_else_the_swedish_marked():
    assert milestone_evidence("Plan beslutad", "Plan adopted", "en") == "Plan adopted"
    assert milestone_evidence("Plan beslutad", None, "en") == "Plan beslutad (in Swedish)"
    assert milestone_evidence("Plan beslutad", "  ", "en") == "Plan beslutad (in Swedish)"
    assert milestone_evidence("Plan beslutad", "Plan adopted", "sv") == "Plan beslutad"
    assert milestone_evidence(None, None, "en") == ""


def test_the_table_uses_an_evidence_en_column_when_the_file_has_one():
    frame = pd.DataFrame({"evidence": ["Plan beslutad", "Rapport"], "evidence_en": ["Plan adopted", None]})
    shown = display_table(frame, "en", columns=["evidence"])
    assert list(shown.iloc[:, 0]) == ["Plan adopted", "Rapport (in Swedish)"]
    assert list(display_table(frame, "sv", columns=["evidence"]).iloc[:, 0]) == ["Plan beslutad", "Rapport"]


def test_the_projects_page_marks_swedish_evidence_in_english(register_page):
    at = register_page("projects")("2026-06-30", lang="en")
    assert not at.exception
    # The full milestone table (the page opens with the overdue and due-soon ones, without evidence).
    milestones = next(
        table.value
        for table in at.table
        if "Due" in table.value.columns and any("vidence" in column for column in table.value.columns)
    )
    evidence = [
        text for text in milestones.iloc[:, list(milestones.columns).index(_evidence_header(milestones))] if text
    ]
    assert evidence and all(text.endswith("(in Swedish)") for text in evidence)


def _evidence_header(frame: pd.DataFrame) -> str:
    return next(column for column in frame.columns if "vidence" in column)
