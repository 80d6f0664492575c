"""Funder-ready period reports (issue 16), on the bundled example data as the coordinator uses it.

The KISMET final report (2023-01-01 … 2025-12-31) as PDF and a Strukturell innovation half-year
report as Excel, read back: the period, the as-of date at the period's end, each work package's
milestones, no board material unless chosen, no file or command names, charts and print set-up
in the workbook, and LibreOffice printing the summary one page wide. A board-pack report is made
in every format. The example data are copied first: saving a pack writes into the data folder.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from pypdf import PdfReader

from kpi.cli import main
from kpi.model.dataset import Series
from kpi.report import build, images
from kpi.report import content as reports
from kpi.report import period as report_period
from kpi.report import texts as report_texts
from tests.support import ROOT, d, load, project_fixture

KISMET_PACKAGES = ["1 Styrning/Integration", "2 Hållbar konsumtion", "3 Hållbar produktion – Ekodistrikt Sörmland"]
# Text a funder's report must not carry: board material, and file or command names.
BOARD_WORDS = ("styrelsepaket", "board pack")
TECH_WORDS = (".csv", ".yaml", ".json", "docs/", "kpi status", "python", "kommandot", "command")
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
needs_soffice = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")


def _normal(value: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", value)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the example data with a board pack of 2026-06-30 carrying one comment."""
    folder = tmp_path_factory.mktemp("example")
    shutil.copytree(ROOT / "data", folder / "data")
    shutil.copy(ROOT / "targets.yaml", folder / "targets.yaml")
    data, targets = folder / "data", folder / "targets.yaml"
    args = ["--data", str(data), "--targets", str(targets), "snapshot", "save", "--date", "2026-06-30"]
    assert main(args + ["--comment", "strukturell_wp0_commitments=Skjuts till hösten"]) == 0
    return data, targets


def _args(example: tuple[Path, Path]) -> list[str]:
    return ["--data", str(example[0]), "--targets", str(example[1])]


@pytest.fixture
def no_charts(monkeypatch):
    """Chart images off (the report says so): for tests about text, not images."""

    def off(figures, fmt):
        raise RuntimeError("charts off in this test")

    monkeypatch.setattr(images, "_render_figures", off)


# --- the period: defaults, values, milestones, activities -------------------------------------------


def test_as_of_defaults_to_the_period_end_capped_at_today(example):
    config = load(*example).config
    today = d("2026-11-23")
    kismet = reports.resolve_spec(reports.ReportSpec(scope="kismet"), config, today)
    assert (kismet.period_from, kismet.period_to, kismet.as_of) == (d("2023-01-01"), d("2025-12-31"), d("2025-12-31"))
    running = reports.resolve_spec(reports.ReportSpec(scope="strukturell"), config, today)
    assert (running.period_to, running.as_of) == (d("2027-06-30"), today)  # still running: judged today
    half = reports.ReportSpec(scope="strukturell", period_from=d("2026-01-01"), period_to=d("2026-06-30"))
    assert reports.resolve_spec(half, config, today).as_of == d("2026-06-30")
    chosen = reports.resolve_spec(reports.ReportSpec(scope="kismet", as_of=d("2025-06-30")), config, today)
    assert chosen.as_of == d("2025-06-30")  # a date given is a date kept


def test_reporting_periods_offer_the_project_and_its_decisions_periods(example):
    config = load(*example).config
    periods = report_period.reporting_periods(config, "strukturell", d("2026-11-23"), "sv")
    # The funding decision's periods (issue 24), not calendar half-years.
    assert [(p.start, p.end) for p in periods] == [
        (d("2024-07-01"), d("2027-06-30")),
        (d("2026-07-01"), d("2027-02-28")),
        (d("2026-01-01"), d("2026-06-30")),
        (d("2025-07-01"), d("2025-12-31")),
        (d("2025-04-01"), d("2025-06-30")),
        (d("2024-07-01"), d("2025-03-31")),
    ]
    assert periods[2].label == "Rapport 4: 2026-01-01 – 2026-06-30, ska in 2026-08-31"
    assert report_period.default_period(periods, d("2026-11-23")) == 2  # the newest period that has ended
    no_decision = config.model_copy(
        update={"projects": [p.model_copy(update={"reporting_periods": []}) for p in config.projects]}
    )
    halves = report_period.reporting_periods(no_decision, "strukturell", d("2026-11-23"), "sv")
    assert halves[2].label == "Halvår 1 2026 (2026-01-01 – 2026-06-30)"  # without a decision: half-years
    kismet = report_period.reporting_periods(config, "kismet", d("2026-11-23"), "sv")
    assert report_period.default_period(kismet, d("2026-11-23")) == 0  # ended: the final report


def test_start_and_end_values_and_the_change(example):
    dataset = load(*example)
    spec = reports.ReportSpec(scope="communication", period_from=d("2026-01-01"), period_to=d("2026-06-30"))
    content = reports.gather(dataset, spec)
    header, rows = report_period.period_value_rows(content)
    assert header[1:3] == ["Värde 2026-01-01", "Värde 2026-06-30"]
    for item, row in zip([s for s in content.statuses if s.metric.kind == "metric"], rows):
        start = content.start[item.id].value
        if start is not None and item.value is not None:
            change = item.value - start
            assert row[3] == ("+" if change > 0 else "") + reports.number_text(item.metric, change, "sv")


def test_milestones_due_and_done_in_the_period(example):
    content = reports.gather(load(*example), reports.ReportSpec(scope="kismet", lang="sv"))
    counts = report_period.milestone_period_counts(content)
    # The final report (issue 24): the milestone not done by the project's end is not delivered,
    # neither "late" nor "open".
    assert counts == {"due": 6, "done": 5, "late": 0, "open": 0, "not_delivered": 1, "done_in_period": 5}
    assert [section.name for section in content.package_sections()] == KISMET_PACKAGES
    half = reports.ReportSpec(scope="strukturell", period_from=d("2026-01-01"), period_to=d("2026-06-30"))
    content = reports.gather(load(*example), half)
    listed = {item.id for section in content.package_sections() for item in section.milestones}
    for item in content.statuses:
        due_in = d("2026-01-01") <= item.metric.due_date <= d("2026-06-30")
        done_in = item.done_date is not None and d("2026-01-01") <= item.done_date <= d("2026-06-30")
        assert (item.id in listed) == (due_in or done_in)


def test_activities_held_against_planned_with_participants(example):
    spec = reports.ReportSpec(scope="all", period_from=d("2026-01-01"), period_to=d("2026-06-30"))
    line, header, rows = report_period.activity_summary(reports.gather(load(*example), spec))
    assert header == ["Datum", "Aktivitet", "Slag", "Deltagare", "Genomförd"]
    held = [row for row in rows if row[4] == "✔ genomförd"]
    assert rows and line.startswith(f"{len(held)} genomförda aktiviteter")
    assert all("2026-01-01" <= row[0] <= "2026-06-30" for row in rows)
    # A project's report lists its own activities (issue 24: activities.csv names the project).
    kismet = report_period.activity_summary(reports.gather(load(*example), reports.ReportSpec(scope="kismet")))
    assert kismet[2] and all("Pilot" in row[1] or "partner" in row[1] or "Verktyg" in row[1] for row in kismet[2])


def test_sources_are_only_those_the_scope_uses_named_for_a_reader(example):
    content = reports.gather(load(*example), reports.ReportSpec(scope="kismet", lang="sv"))
    _, rows = report_texts.source_rows(content)
    assert [row[0] for row in rows] == ["Aktivitetsregistret", "Projektens milstolpar", "Deltagarregistret"]


def test_file_names_carry_organisation_scope_and_period(example):
    dataset = load(*example)
    org = dataset.config.own_scope()
    content = reports.gather(dataset, reports.ReportSpec(fmt="pdf", scope="kismet"))
    assert build.file_name(content.spec, org) == f"{org}-kismet-2023-01-01_2025-12-31.pdf"
    spec = reports.ReportSpec(fmt="xlsx", scope="strukturell", period_from=d("2026-01-01"), period_to=d("2026-06-30"))
    content = reports.gather(dataset, spec)
    assert build.file_name(content.spec, org) == f"{org}-strukturell-2026-01-01_2026-06-30.xlsx"
    pack = reports.gather(dataset, reports.ReportSpec(fmt="xlsx", pack=d("2026-06-30")))
    assert build.file_name(pack.spec, org) == f"{org}-alla-styrelsepaket-2026-06-30.xlsx"


# --- the KISMET final report as PDF -----------------------------------------------------------------


@pytest.fixture(scope="module")
def kismet_pdf(example, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kismet") / "kismet.pdf"
    assert main(_args(example) + ["report", "--scope", "kismet", "--lang", "sv", "--out", str(out)]) == 0
    return out


@pytest.mark.slow
@needs_poppler
def test_kismet_final_report_pdf(kismet_pdf):
    text = subprocess.run(
        ["pdftotext", "-layout", str(kismet_pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    flat = _normal(text)
    assert "1 januari 2023 – 31 december 2025" in flat and "31 december 2025 (2025-12-31)" in flat
    # The final report (issue 24): its title, and the milestone not done is not delivered.
    assert "Interreg Baltic Sea Region" in flat and "Slutrapport för projektet" in flat
    for package in KISMET_PACKAGES:
        assert f"Arbetspaket {package}" in flat
    for name in ("Intern kommunikationsplan", "Offentlig upphandling används", "Strategi och handlingsplan"):
        assert name in flat
    assert "✔ Klart" in flat and "✘ Ej genomfört" in flat and "○ Pågår" not in flat  # states in words and symbols
    assert "avvikelse: Handlingsplanen remissbehandlas" in flat and "RCO 84" in flat
    lowered = flat.lower()
    for word in BOARD_WORDS + TECH_WORDS:
        assert word not in lowered, word
    assert "Medlemsregistret" not in flat and "Projektens milstolpar" in flat  # only the sources it uses
    reader = PdfReader(kismet_pdf)
    assert len([image for page in reader.pages for image in page.images]) == 3  # one timeline per package


@pytest.mark.slow
@needs_poppler
def test_kismet_pages_render(kismet_pdf):
    prefix = kismet_pdf.parent / "page"
    # 100 dpi: a page of small print only (the final report's evidence notes) is dark enough to see.
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(kismet_pdf), str(prefix)], timeout=120, check=True)
    from PIL import Image

    pages = sorted(kismet_pdf.parent.glob("page*.png"))
    assert len(pages) == len(PdfReader(kismet_pdf).pages)
    for png in pages:
        image = Image.open(png).convert("L")
        assert image.getextrema()[0] < 60  # dark text on every page, none blank


def test_the_english_report_says_no_file_or_command_names(example, tmp_path, no_charts):
    out = tmp_path / "kismet-en.html"
    assert main(_args(example) + ["report", "--scope", "kismet", "--lang", "en", "--out", str(out)]) == 0
    text = re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8").split("<body>", 1)[1])
    lowered = _normal(text).lower()
    for word in BOARD_WORDS + TECH_WORDS:
        assert word not in lowered, word
    assert "work package 1 governance/integration" in lowered


@pytest.mark.slow  # four full reports
def test_comments_only_when_chosen(example, tmp_path, no_charts):
    half = ["--scope", "strukturell", "--from", "2026-01-01", "--to", "2026-06-30"]
    plain, chosen = tmp_path / "plain.html", tmp_path / "chosen.html"
    assert main(_args(example) + ["report", *half, "--out", str(plain)]) == 0
    assert main(_args(example) + ["report", *half, "--comments", "--out", str(chosen)]) == 0
    assert "Skjuts till hösten" not in plain.read_text(encoding="utf-8")
    assert "styrelsepaket" not in plain.read_text(encoding="utf-8").lower()
    assert "Skjuts till hösten" in chosen.read_text(encoding="utf-8")  # the latest pack in the period


# --- the Strukturell innovation half-year report as Excel ----------------------------------------------


@pytest.fixture(scope="module")
def half_year_xlsx(example, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("strukturell") / "h1.xlsx"
    args = ["report", "--scope", "strukturell", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(out)]
    assert main(_args(example) + args) == 0
    return out


def test_excel_charts_states_names_and_print_setup(half_year_xlsx):
    workbook = openpyxl.load_workbook(half_year_xlsx)
    assert workbook.sheetnames == [
        "Sammanfattning",
        "Indikatorer",
        "Milstolpar",
        "Aktiviteter i perioden",
        "Metod",
    ]  # no single observations here
    summary = workbook["Sammanfattning"]
    header = [cell.value for cell in summary[4]]
    # A funder's attachment (issue 24): no internal codes, no empty columns.
    assert header[0] == "Mål" and "Id" not in header and "Status (kod)" not in header
    first = [cell.value for cell in summary[5]]
    assert first[0] == "Samverkan med UF etablerad" and "uf_collaboration" not in first
    for col in range(len(header)):
        assert any(row[col] not in (None, "") for row in summary.iter_rows(min_row=5, values_only=True)), header[col]
    assert {row[header.index("Värde")] for row in summary.iter_rows(min_row=5, values_only=True) if row[0]} <= {
        "✔ Klart",
        "✖ Efter plan",
        "○ Pågår",
    }
    milestones = workbook["Milstolpar"]
    assert len(milestones._charts) == 1
    rows = list(milestones.iter_rows(min_row=5, values_only=True))
    assert rows[0][0] == "Matklustrets åtaganden och resursbehov för driften identifierade"
    # Due on 2026-06-30, the report's date, and not done: late, the same as its status (issue 22).
    assert rows[0][1] == "0 Interna strukturer" and rows[0][4] == "✖ Efter plan" and len(rows[0]) == 6
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and setup.paperSize == 9, sheet.title
        # fit to one page wide, any number of pages tall (fitToWidth 1 is the format's default, left out)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1) == 1
        assert setup.fitToHeight == 0
        assert "1 januari 2026 – 30 juni 2026" in sheet.oddHeader.right.text
        assert "Strukturell innovation" in sheet.oddHeader.left.text
    assert summary.print_title_rows == "$4:$4" and milestones.print_title_rows == "$4:$4"  # header row repeated


@pytest.mark.slow
def test_every_metric_sheet_has_a_chart(example, tmp_path, no_charts):
    out = tmp_path / "all.xlsx"
    assert main(_args(example) + ["report", "--as-of", "2026-06-30", "--out", str(out)]) == 0
    workbook = openpyxl.load_workbook(out)
    skip = {"Sammanfattning", "Observationer", "Metod", "Aktiviteter i perioden"}
    for sheet in workbook.worksheets:
        if sheet.title not in skip:
            assert sheet._charts, sheet.title
    assert "Milstolpar" in workbook.sheetnames


@pytest.mark.slow
@needs_soffice
@needs_poppler
def test_libreoffice_prints_the_summary_one_page_wide(half_year_xlsx, tmp_path):
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(half_year_xlsx),
        ],
        capture_output=True,
        timeout=180,
        check=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pdf = tmp_path / "h1.pdf"
    reader = PdfReader(pdf)
    first = _normal(reader.pages[0].extract_text())
    # The whole summary on the first page: first column, last column (no codes since issue 24), a
    # goal, the page header.
    assert "Mål" in first and "Förklaring" in first and "Samverkan med UF etablerad" in first
    assert "1 januari 2026 – 30 juni 2026" in first
    assert len(reader.pages) <= 6  # summary, indicators, milestones, activities, sources (issue 24 added two sheets)


# --- board packs in every format, aggregates only, robustness -------------------------------------------


@pytest.mark.parametrize(
    "fmt",
    [
        pytest.param(fmt, marks=pytest.mark.slow) if fmt in ("pdf", "xlsx") else fmt
        for fmt in ("pdf", "xlsx", "csv", "html")
    ],
)
def test_a_board_pack_report_in_every_format(example, tmp_path, no_charts, fmt):
    out = tmp_path / f"pack.{fmt}"
    assert main(_args(example) + ["report", "--pack", "2026-06-30", "--out", str(out)]) == 0
    body = out.read_bytes()
    assert len(body) > 1000
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        assert "Observationer" in workbook.sheetnames
        header = [cell.value for cell in workbook["Sammanfattning"][4]]
        assert "Styrelsens kommentar" in header  # a pack's report is board material


def test_aggregates_only_leaves_out_observations_and_notes(tmp_path, no_charts):
    data, targets = project_fixture(tmp_path / "fx", note="Anna Andersson ringde")
    dataset = load(data, targets)
    as_of = d("2026-06-30")
    public = build.build_report(dataset, fmt="xlsx", as_of=as_of, member_level=False)
    workbook = openpyxl.load_workbook(io.BytesIO(public))
    assert "Observationer" not in workbook.sheetnames
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Anna Andersson ringde" not in cells
    html = build.build_report(dataset, fmt="html", as_of=as_of, member_level=False).decode("utf-8")
    assert "Anna Andersson ringde" not in html and "Senaste värden i perioden" not in html
    staff = build.build_report(dataset, fmt="html", as_of=as_of, member_level=True).decode("utf-8")
    assert "Anna Andersson ringde" in staff
    assert reports.ReportSpec().member_level is False  # the safe choice unless asked
    assert reports.ReportSpec().comments_wanted is False and reports.ReportSpec(pack=as_of).comments_wanted


def test_an_infinite_value_does_not_crash_the_workbook(tmp_path, no_charts):
    data, targets = project_fixture(tmp_path / "fx")
    dataset = load(data, targets)
    whole = dataset.series["newsletter_subscribers"]
    dataset.series["newsletter_subscribers"] = Series(
        np.append(whole.dates, np.datetime64(dt.date(2026, 6, 15))), np.append(whole.values, math.inf)
    )
    body = build.build_report(dataset, fmt="xlsx", as_of=d("2026-06-30"))
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    numbers = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, float)
    ]
    assert all(math.isfinite(number) for number in numbers)


def test_the_cover_names_the_three_goals_furthest_behind(example):
    content = reports.gather(load(*example), reports.ReportSpec(as_of=d("2026-06-30")))
    behind = report_period.behind_most(content.statuses)
    order = {"moving_away": 0, "off_track": 1, "at_risk": 2}
    assert len(behind) == 3 and all(item.status in order for item in behind)
    assert [order[item.status] for item in behind] == sorted(order[item.status] for item in behind)
    facts = dict(report_texts.title_facts(content))
    assert facts["Mest efter"].startswith(behind[0].metric.display_name("sv"))
