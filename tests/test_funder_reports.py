"""Funder reports (issue 24): projects as funders see them, their reporting periods and language,
final-report mode, indicators with their evidence, participants and the funder's narrative texts.

Values are computed by hand from small fixture registers; the example configuration is read for
the two real projects' reporting periods.
"""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pytest
from pydantic import ValidationError

from kpi.model.targets import Project
from kpi.read.load import load_dataset
from kpi.read.targets import load_config
from kpi.report import build, narratives
from kpi.report import content as reports
from kpi.report import period as report_period
from kpi.report.indicators import indicator_results, indicator_rows, participant_lines, participant_list
from kpi.write import store
from tests.support import ROOT, d, load, project_fixture

PROJECT = {"id": "p", "name": {"sv": "P"}, "start": "2024-07-01", "end": "2027-06-30"}


def test_the_example_projects_carry_the_funders_facts():
    config = load_config(ROOT / "targets.yaml")
    kismet, strukturell = config.project("kismet"), config.project("strukturell")
    assert (kismet.reference, kismet.lead_partner, kismet.report_language) == ("C025", "Södertälje kommun", "en")
    assert strukturell.report_language == "sv"
    assert [p.number for p in strukturell.reporting_periods] == [1, 2, 3, 4, 5, 6]
    assert strukturell.reporting_periods[-1].end == strukturell.end  # the last report is the final one


def test_interreg_reads_english_unless_the_project_says_otherwise():
    assert Project(**PROJECT, funder="Interreg Baltic Sea Region").report_language == "en"
    assert Project(**PROJECT, programme="Interreg Central Baltic").report_language == "en"
    assert Project(**PROJECT, funder="Interreg Baltic Sea Region", language="sv").report_language == "sv"
    assert Project(**PROJECT, funder="Tillväxtverket").report_language is None


@pytest.mark.parametrize(
    ("periods", "words"),
    [
        ([{"number": 1, "start": "2024-07-01", "end": "2024-12-31", "due": "2024-12-01"}], "due before it ends"),
        ([{"number": 1, "start": "2024-07-01", "end": "2024-06-30"}], "ends before it starts"),
        (
            [
                {"number": 1, "start": "2024-07-01", "end": "2024-12-31"},
                {"number": 2, "start": "2024-12-01", "end": "2025-06-30"},
            ],
            "starts before period 1 ends",
        ),
        ([{"number": 1, "start": "2024-01-01", "end": "2024-12-31"}], "outside the project"),
        (
            [
                {"number": 1, "start": "2024-07-01", "end": "2024-12-31"},
                {"number": 1, "start": "2025-01-01", "end": "2025-06-30"},
            ],
            "share a number",
        ),
        ([{"number": 1, "start": "2024-07-01", "end": "2024-12-31", "deadline": "2025-01-31"}], "Extra inputs"),
    ],
)
def test_reporting_periods_are_validated(periods, words):
    with pytest.raises(ValidationError, match=words):
        Project(**PROJECT, reporting_periods=periods)


def test_the_reports_page_offers_the_decisions_periods_by_name():
    config = load_config(ROOT / "targets.yaml")
    periods = report_period.reporting_periods(config, "strukturell", d("2026-02-15"), "sv")
    # The whole project, then the decision's periods begun by the day, newest first.
    assert [p.number for p in periods] == [None, 4, 3, 2, 1]
    assert periods[2].label == "Rapport 3: 2025-07-01 – 2025-12-31, ska in 2026-01-31"
    assert (periods[2].start, periods[2].end, periods[2].due) == (d("2025-07-01"), d("2025-12-31"), d("2026-01-31"))
    assert periods[4].label == "Rapport 1: 2024-07-01 – 2025-03-31, ska in 2025-04-30"  # not a half-year
    english = report_period.reporting_periods(config, "strukturell", d("2026-02-15"), "en")
    assert english[2].label == "Report 3: 2025-07-01 – 2025-12-31, due 2026-01-31"
    assert report_period.default_period(periods, d("2026-02-15")) == 2  # the newest period that has ended
    assert report_period.next_due_report(config, "strukturell", d("2026-02-15")) == (
        4,
        d("2026-01-01"),
        d("2026-06-30"),
        d("2026-08-31"),
    )
    assert report_period.next_due_report(config, "kismet", d("2026-04-01")) is None  # all reports are in


def test_a_projects_report_is_in_the_funders_language_by_default():
    config = load_config(ROOT / "targets.yaml")
    today = d("2026-11-23")
    assert reports.resolve_spec(reports.ReportSpec(scope="kismet"), config, today).lang == "en"
    assert reports.resolve_spec(reports.ReportSpec(scope="kismet", lang="sv"), config, today).lang == "sv"
    assert reports.resolve_spec(reports.ReportSpec(scope="strukturell"), config, today).lang == "sv"
    assert reports.resolve_spec(reports.ReportSpec(), config, today).lang == "sv"


# --- indicators, counted by hand from fixture registers ------------------------------------------

FUNDER_KEYS = """
    reporting_periods:
      - {number: 1, start: 2026-01-01, end: 2026-06-30, due: 2026-08-31}
      - {number: 2, start: 2026-07-01, end: 2026-12-31, due: 2027-02-28}
    indicators:
      - code: RCO 84
        name: {sv: Gemensamt utvecklade och genomförda pilotverksamheter, en: Pilot actions developed jointly and implemented}
        unit: {sv: piloter, en: pilot actions}
        target: 8
        count: {register: activities, where: {indicator: RCO 84}}
      - code: RCO 87
        name: {sv: Organisationer som samarbetar över gränserna, en: Organisations cooperating across borders}
        target: 5
        count: {register: participants, distinct: org_number}
      - code: RCO 116
        name: {sv: Gemensamt utvecklade lösningar, en: Jointly developed solutions}
        target: 1
        count: {register: activities, where: {indicator: RCO 116}}
"""
ACTIVITIES = """date,type,title,participants,members_present,planned,project,package,indicator
2026-02-10,other,Pilot A: lokal mat i skolkök,12,,no,kismet,fa2,RCO 84
2026-03-01,training,Utbildning utan projekt,20,,no,,,
2026-04-01,other,En annan projekts pilot,7,,no,annat,,RCO 84
2026-05-20,other,Pilot B: matsvinn i Flen,8,,no,kismet,fa2,RCO 84
2026-06-30,other,Pilot C: upphandling i Vingåker,5,,no,kismet,fa2,RCO 84
2026-07-01,other,Pilot D: ekodistrikt Gnesta,9,,no,kismet,fa1,RCO 84
2026-09-15,other,Pilot E: planerad,,,yes,kismet,fa1,RCO 84
2026-10-01,other,Gemensam lösning: verktygslåda för kommuner,,,no,kismet,fa1,RCO 116
"""
PARTICIPANTS = """date,activity,project,organisation,org_number,email,kommun,org_kind
2026-02-10,Pilot A: lokal mat i skolkök,kismet,Gårdsbutiken AB,556000-0001,info@gard.example,Flen,företag
2026-02-10,Pilot A: lokal mat i skolkök,kismet,Flens kommun,212000-0001,kost@flen.example,Flen,kommun
2026-05-20,Pilot B: matsvinn i Flen,kismet,Gårdsbutiken AB,556000-0001,info@gard.example,Flen,företag
2026-07-01,Pilot D: ekodistrikt Gnesta,kismet,Gnesta kommun,212000-0002,,Gnesta,kommun
2026-07-01,Pilot D: ekodistrikt Gnesta,kismet,Mejeriet i Gnesta,,mejeri@example.se,Gnesta,företag
2026-08-01,Annat,annat,Annan AB,556000-0009,,Nyköping,företag
"""


@pytest.fixture
def funder_data(tmp_path):
    data, targets = project_fixture(tmp_path)
    text = targets.read_text(encoding="utf-8")
    anchor = '      - {id: fa2, name: {sv: "2 Hållbar konsumtion", en: "2 Sustainable consumption"}}\n'
    assert anchor in text
    targets.write_text(text.replace(anchor, anchor + FUNDER_KEYS.lstrip("\n")), encoding="utf-8")
    (data / "activities.csv").write_text(ACTIVITIES, encoding="utf-8")
    (data / "participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    dataset = load(data, targets)
    assert not [p for p in dataset.problems if p.severity == "error"], dataset.problems
    return dataset


def _results(dataset, start, end):
    spec = reports.ReportSpec(scope="kismet", lang="sv", period_from=d(start), period_to=d(end))
    content = reports.gather(dataset, spec)
    return {r.indicator.code: r for r in indicator_results(content)}, content


def test_indicators_per_period_and_in_total(funder_data):
    # Period 1 (2026-01-01 – 06-30): pilots A, B and C (C on the period's last day); not the
    # other project's pilot, not the training without a project.
    first, _ = _results(funder_data, "2026-01-01", "2026-06-30")
    assert (first["RCO 84"].in_period, first["RCO 84"].total) == (3, 3)
    assert [e.text for e in first["RCO 84"].evidence] == [
        "Pilot A: lokal mat i skolkök",
        "Pilot B: matsvinn i Flen",
        "Pilot C: upphandling i Vingåker",
    ]
    assert (
        first["RCO 84"].evidence[0].day == d("2026-02-10")
        and first["RCO 84"].evidence[0].detail == "2 Hållbar konsumtion"
    )
    # Organisations: Gårdsbutiken (twice: once) and Flens kommun.
    assert (first["RCO 87"].in_period, first["RCO 87"].total) == (2, 2)
    assert [e.text for e in first["RCO 87"].evidence] == ["Gårdsbutiken AB", "Flens kommun"]
    assert (first["RCO 116"].in_period, first["RCO 116"].total) == (0, 0)
    # Period 2 (2026-07-01 – 12-31): pilot D (E is only planned); Gnesta kommun (the dairy has no
    # organisation number, the other project's company is not counted); the toolbox.
    second, _ = _results(funder_data, "2026-07-01", "2026-12-31")
    assert (second["RCO 84"].in_period, second["RCO 84"].total) == (1, 4)
    assert (second["RCO 87"].in_period, second["RCO 87"].total) == (1, 3)
    assert [e.text for e in second["RCO 87"].evidence] == ["Gnesta kommun"]
    assert (second["RCO 116"].in_period, second["RCO 116"].total) == (1, 1)
    assert second["RCO 116"].share_of_target() == 1.0
    # The whole project: everything.
    whole, content = _results(funder_data, "2026-01-01", "2026-12-31")
    assert [(r.in_period, r.total) for r in whole.values()] == [(4, 4), (3, 3), (1, 1)]
    header, rows = indicator_rows(content)
    assert header == ["Kod", "Indikator", "Mål enligt ansökan", "Uppnått i perioden", "Uppnått totalt"]
    assert rows[0] == ["RCO 84", "Gemensamt utvecklade och genomförda pilotverksamheter", "8 piloter", "4", "4"]


def test_a_project_report_lists_its_activities_per_package_with_participants(funder_data):
    _, content = _results(funder_data, "2026-01-01", "2026-06-30")
    line, header, rows = report_period.activity_summary(content)
    assert header[2] == "Arbetspaket"
    # Only KISMET's activities, work package 1 before 2 (none of fa1 in period 1).
    assert [row[1] for row in rows] == [
        "Pilot A: lokal mat i skolkök",
        "Pilot B: matsvinn i Flen",
        "Pilot C: upphandling i Vingåker",
    ]
    assert rows[0][2] == "2 Hållbar konsumtion"
    # Gårdsbutiken twice, Flens kommun once: two organisations, one of each kind, both in Flen.
    assert participant_lines(content) == [
        "2 deltagande organisationer i perioden, per slag: företag 1, kommun 1.",
        "Per kommun: Flen 2.",
    ]


def test_the_participant_list_has_the_funders_columns(funder_data):
    spec = reports.ReportSpec(
        fmt="participants",
        scope="kismet",
        lang="sv",
        period_from=d("2026-07-01"),
        period_to=d("2026-12-31"),
        member_level=True,
    )
    content = reports.gather(funder_data, spec)
    header, rows = participant_list(content)
    assert header == [
        "Organisation",
        "Organisationsnummer",
        "E-post",
        "Kommun",
        "Slag av organisation",
        "Aktivitet",
        "Datum",
    ]
    assert rows == [
        ["Gnesta kommun", "212000-0002", "", "Gnesta", "kommun", "Pilot D: ekodistrikt Gnesta", "2026-07-01"],
        [
            "Mejeriet i Gnesta",
            "",
            "mejeri@example.se",
            "Gnesta",
            "företag",
            "Pilot D: ekodistrikt Gnesta",
            "2026-07-01",
        ],
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(build.render(content)))
    sheet = workbook.active
    assert [cell.value for cell in sheet[4]] == header
    assert sheet["A5"].value == "Gnesta kommun" and sheet["C6"].value == "mejeri@example.se"
    assert sheet.print_title_rows == "$4:$4"
    assert build.file_name(content.spec, "matkluster") == "matkluster-kismet-deltagare-2026-07-01_2026-12-31.xlsx"
    # Aggregates only (the public page): no e-mail column.
    public = reports.gather(funder_data, dataclasses.replace(spec, member_level=False))
    assert "E-post" not in participant_list(public)[0]


def test_the_final_report_says_not_delivered(funder_data):
    # The fixture's project ends 2026-12-31: kismet_plan (due 2026-04-30) was never done.
    final = reports.gather(funder_data, reports.ReportSpec(scope="kismet", lang="sv"))
    assert final.final and final.title == "Slutrapport för projektet"
    counts = report_period.milestone_period_counts(final)
    assert (counts["done"], counts["not_delivered"], counts["late"], counts["open"]) == (1, 1, 0, 0)
    assert report_period.milestone_summary_line(final).startswith("2 med sista datum i perioden (1 genomförda, 1 ej")
    states = {item.id: reports.report_state_text(item, True, "sv") for item in final.statuses}
    assert states["kismet_plan"] == "✘ Ej genomfört"
    progress = reports.gather(
        funder_data,
        reports.ReportSpec(scope="kismet", lang="en", period_from=d("2026-01-01"), period_to=d("2026-06-30")),
    )
    assert not progress.final and progress.title == "Project progress report"
    english_final = reports.gather(funder_data, reports.ReportSpec(scope="kismet"))  # Interreg: English
    assert english_final.lang == "en" and english_final.title == "Final report"


# --- the funder's narrative sections --------------------------------------------------------------


def test_strukturell_period_3_has_its_four_sections_and_limits(tmp_path):
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data")
    data, targets = tmp_path / "data", ROOT / "targets.yaml"
    config = load_config(targets)
    project = config.project("strukturell")
    period = narratives.period_key(project, d("2025-07-01"), d("2025-12-31"))
    assert period == "3"
    assert [s.name.get("sv") for s in narratives.sections_for(project, final=False)] == [
        "Övergripande uppgifter",
        "Arbetssätt och organisation",
        "Aktiviteter",
        "Projektets resultat",
    ]
    assert len(narratives.sections_for(project, final=True)) == 8  # the final report adds four
    # Over the limit (2 000): refused with its count, nothing written.
    refused = narratives.save_text(
        data, config, "strukturell", period, "overview", "x" * 2001, editor="Anna", today=d("2026-02-01")
    )
    assert isinstance(refused, list) and refused[0].format("sv").endswith(
        "texten i ”Övergripande uppgifter” har 2001 tecken, högst 2000 får plats; korta den och spara igen"
    )
    assert not (data / "narratives.csv").exists()
    # At the limit, with a line break and a formula-looking start: saved as text.
    text = "=Vi har nått 24 företag.\n*Inte* markdown."
    result = narratives.save_text(
        data, config, "strukturell", period, "overview", text, editor="Anna", today=d("2026-02-01")
    )
    assert not isinstance(result, list) and result.saved, result
    assert narratives.stored_texts(data, "strukturell", "3") == {"overview": text}
    dataset = load_dataset(data, targets, today=d("2026-02-01"))
    spec = reports.ReportSpec(fmt="text", scope="strukturell", period_from=d("2025-07-01"), period_to=d("2025-12-31"))
    content = reports.gather(dataset, spec)
    exported = build.render(content).decode("utf-8")
    assert (
        "== Övergripande uppgifter (41 av högst 2 000 tecken) ==\n=Vi har nått 24 företag.\n*Inte* markdown."
        in exported.replace("\u00a0", " ")
    )
    for name in ("Arbetssätt och organisation", "Aktiviteter", "Projektets resultat"):
        assert f"== {name} (0 av högst" in exported
    assert "Avvikelser i tid och budget" not in exported  # not a final report
    assert "Rapport 3 av 6" not in exported and "Företag Företag som deltar i projektet" in exported
    # Logged and undoable like any data file.
    log = store.read_changelog(data)
    assert log[-1].file == "narratives.csv"
    undone = store.undo_last(data, "Anna", config=config)
    assert undone.saved and not (data / "narratives.csv").exists()


def test_a_narrative_text_survives_a_kill_during_its_save(tmp_path):
    import os
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data")
    data = tmp_path / "data"
    config = load_config(ROOT / "targets.yaml")
    first = narratives.save_text(
        data, config, "kismet", "6", "main_achievements", "Eight pilots.", editor="Anna", today=d("2026-02-01")
    )
    assert not isinstance(first, list) and first.saved
    pid = os.fork()
    if pid == 0:  # the child dies while the new file replaces the old one
        try:
            store._crash_point = lambda name: os._exit(137) if name == "replace" else None
            narratives.save_text(
                data, config, "kismet", "6", "main_achievements", "Half-written", editor="Bo", today=d("2026-02-01")
            )
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 137
    store.recover(data)
    texts = narratives.stored_texts(data, "kismet", "6")
    assert texts["main_achievements"] in ("Eight pilots.", "Half-written")  # one whole version, never half
    # A save after recovery works and is logged.
    again = narratives.save_text(
        data,
        config,
        "kismet",
        "6",
        "main_achievements",
        "Eight pilots, one toolbox.",
        editor="Anna",
        today=d("2026-02-01"),
    )
    assert not isinstance(again, list) and again.saved
    assert narratives.stored_texts(data, "kismet", "6") == {"main_achievements": "Eight pilots, one toolbox."}


# --- the KISMET final report read back ------------------------------------------------------------


@pytest.fixture(scope="module")
def example_copy(tmp_path_factory):
    import shutil

    folder = tmp_path_factory.mktemp("example24")
    shutil.copytree(ROOT / "data", folder / "data")
    shutil.copy(ROOT / "targets.yaml", folder / "targets.yaml")
    return folder / "data", folder / "targets.yaml"


def _cli(example_copy, *args: str) -> int:
    from kpi.cli import main

    return main(["--data", str(example_copy[0]), "--targets", str(example_copy[1]), *args])


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_the_kismet_final_report_in_word_is_english_with_indicators(example_copy, tmp_path):
    import docx

    config = load_config(example_copy[1])
    saved = narratives.save_text(
        example_copy[0],
        config,
        "kismet",
        "2023-01-01_2025-12-31",
        "main_achievements",
        "Eight local pilots ran.",
        editor="Anna",
    )
    assert not isinstance(saved, list) and saved.saved
    out = tmp_path / "kismet.docx"
    assert _cli(example_copy, "report", "--scope", "kismet", "--out", str(out)) == 0  # no --lang: English
    document = docx.Document(str(out))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Final report" in text and "Project reference: C025" in text and "Lead partner: Södertälje kommun" in text
    assert "6 due in the period (5 delivered, 1 not delivered)" in text
    assert "deviation: Handlingsplanen remissbehandlas" in text  # the not-delivered milestone's comment
    assert "evidence: Kommunikationsplan v1.0" in text and "Eight local pilots ran." in text
    for name in ("Main achievements", "Problems encountered and solutions", "Durability of the project's outputs"):
        assert name in text  # every section of the form, the final one's own too
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    indicators = next(table for table in tables if table[0][0] == "Code")
    assert indicators[1] == [
        "RCO 84",
        "Pilot actions developed jointly and implemented in projects",
        "8 pilot actions",
        "8",
        "8",
    ]
    assert indicators[3][0] == "RCO 116" and indicators[3][3:] == ["1", "1"]
    states = [row[3] for table in tables if table[0][0] == "Milestone" for row in table[1:]]
    assert "✘ Not delivered" in states and "○ Open" not in states


@pytest.mark.slow
def test_every_period_of_both_decisions_makes_word_excel_and_text(example_copy):
    import docx

    dataset = load_dataset(*example_copy, today=d("2027-10-01"))
    for project in dataset.config.projects:
        for period in project.reporting_periods:
            for fmt in ("docx", "xlsx", "text"):
                spec = reports.ReportSpec(fmt=fmt, scope=project.id, period_from=period.start, period_to=period.end)
                content = reports.gather(dataset, spec)
                body = build.render(content)
                assert body, (project.id, period.number, fmt)
                if fmt == "text":
                    text = body.decode("utf-8")
                    # Every section of the form, the final report's own ones only in the last period.
                    for section in narratives.sections_for(project, content.final):
                        assert f"== {section.name.get(content.lang)} (" in text
                    assert content.final == (period.end == project.end)
                if fmt == "docx":
                    words = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
                    assert ("Final report" in words or "Slutrapport" in words) == content.final


@pytest.mark.slow  # seconds on its own: in the full suite, not the quick one
def test_the_html_report_escapes_a_narrative_and_carries_the_indicators(funder_data, tmp_path):
    config = funder_data.config
    sections = [{"id": "main", "name": {"sv": "Resultat", "en": "Main achievements"}, "limit": 100}]
    project = config.project("kismet").model_copy(
        update={"sections": [narratives.NarrativeSection(**item) for item in sections]}
    )
    dataset = dataclasses.replace(
        funder_data,
        config=config.model_copy(update={"projects": [project]}),
        data_dir=tmp_path,
    )
    saved = narratives.save_text(
        tmp_path, dataset.config, "kismet", "1", "main", "<b>fet</b> **inte markdown**", editor="Anna"
    )
    assert isinstance(saved, list) is False
    spec = reports.ReportSpec(
        fmt="html", scope="kismet", lang="en", period_from=d("2026-01-01"), period_to=d("2026-06-30")
    )
    page = build.render(reports.gather(dataset, spec)).decode("utf-8")
    assert "<p>&lt;b&gt;fet&lt;/b&gt; **inte markdown**</p>" in page and "<b>fet</b>" not in page
    assert "<h2>Indicators</h2>" in page and "Pilot A: lokal mat i skolkök" in page
