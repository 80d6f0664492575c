"""The PDF report, read back with pypdf and poppler: every goal, Swedish letters, charts, page numbers.

One full PDF (all goals, Swedish, as of 2026-06-30) is built once for the module; a second,
English one for the KISMET project is built with the image renderer failing on purpose, which
is cheap and proves a report never depends on the browser.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from kpi.report import build, images
from kpi.report import pdf as report_pdf
from tests.support import BASIC_NAMES, PROJECT_NAMES, d, load, project_fixture
from tests.support import REPORT_AS_OF as AS_OF

pytestmark = pytest.mark.slow

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    data, targets = project_fixture(folder / "fx")
    pdf = build.build_report(load(data, targets), fmt="pdf", as_of=AS_OF, scope="all", lang="sv")
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    return path


@pytest.fixture(scope="module")
def text(built):
    return "\n".join(page.extract_text() for page in PdfReader(built).pages)


def _normal(value: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", value)


def test_every_metric_name_and_swedish_letters(text):
    flat = _normal(text)
    for name in BASIC_NAMES + PROJECT_NAMES:
        assert name in flat
    for letters in ("å", "ä", "ö", "Å", "–", "✔ Uppnått", "⚠ Risk", "↘ Går åt fel håll", "? Uppgift saknas"):
        assert letters in flat


def test_title_page_says_scope_period_as_of_and_organisation(built):
    first = _normal(PdfReader(built).pages[0].extract_text())
    assert "Testföreningen" in first and "Rapport om måluppfyllelse" in first and "Alla mål" in first
    assert "30 juni 2026 (2026-06-30)" in first
    assert "till och med 30 juni 2026" in first


def test_page_numbers_count_every_page(built):
    reader = PdfReader(built)
    pages = len(reader.pages)
    assert pages >= 5
    for number, page in enumerate(reader.pages, start=1):
        assert f"Sida {number} av {pages}" in _normal(page.extract_text())


def test_explanations_and_targets_are_printed(text):
    flat = _normal(text)
    assert "På väg: 6 900 mot förväntat 6 738, takt 1,30." in flat
    assert "Risk: 2 mot förväntat 3, takt 0,67." in flat  # trainings: 2 / (6 × 180/364) = 0.674
    assert "31 dec. 2026: 7 500 – ej passerat" in flat
    assert "Kampanj i maj" in flat  # the note on the observation
    assert "Kommungränser: Källa: SCB" in flat  # the map attribution
    assert "Metod i korthet" in flat and "Datakällor" in flat and "Inmatade mätvärden: Kommunikation" in flat


def test_each_metric_has_its_chart_image(built):
    reader = PdfReader(built)
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == len(BASIC_NAMES + PROJECT_NAMES)
    width, height = images[0].image.size
    assert width >= 1500 and 0.4 < height / width < 0.5  # 1000 × 440 px at scale 1.6
    assert "Diagrammet kunde inte ritas" not in "".join(page.extract_text() for page in reader.pages)


@needs_poppler
def test_pdftotext_reads_it_and_page_one_renders(built, tmp_path):
    info = subprocess.run(["pdfinfo", str(built)], capture_output=True, text=True, timeout=60, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    out = subprocess.run(
        ["pdftotext", "-layout", str(built), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert f"Sida 1 av {pages}" in out and "Prenumeranter på nyhetsbrevet" in out
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(built), str(tmp_path / "page")],
        timeout=60,
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    image = Image.open(png).convert("L")
    assert image.size[0] > 300 and image.getextrema()[0] < 60  # dark text on the page, not blank
    shutil.copy(png, built.parent / "page-1.png")  # kept beside the PDF for a person to look at


def test_a_failing_renderer_still_gives_a_report_with_a_note(tmp_path, monkeypatch):
    def broken(figures, fmt):
        raise RuntimeError("no browser here")

    monkeypatch.setattr(images, "_render_figures", broken)
    data, targets = project_fixture(tmp_path / "fx")
    pdf = build.build_report(load(data, targets), fmt="pdf", as_of=AS_OF, scope="kismet", lang="en")
    reader = PdfReader(io.BytesIO(pdf))
    flat = _normal("\n".join(page.extract_text() for page in reader.pages))
    assert not [image for page in reader.pages for image in page.images]
    # one timeline per work package (the project has no other metrics) stands in for its charts
    assert flat.count("The chart could not be drawn") == 2 and "no browser here" in flat
    assert f"Page 1 of {len(reader.pages)}" in flat
    assert "Project: KISMET" in flat and "Interreg Baltic Sea Region" in flat
    assert "1 January 2026 – 31 December 2026" in flat
    # Judged at the period's end, at most today (the fixture's today is 2026-11-23; as_of given).
    assert "30 June 2026 (2026-06-30)" in flat
    # One section per work package, milestones due or done in the period (the 2027 one is not listed).
    section = flat[flat.index("Work package 1 Governance and mapping") :]
    assert (
        section.index("Mapping of organic actors")
        < section.index("Work package 2 Sustainable consumption")
        < section.index("Eco-district action plan")
    )
    assert "Final conference" not in section.split("The method in short")[0]
    assert "✔ Done" in section and "✖ Off track" in section  # states in words (one word per state), not 0/1


def test_the_font_has_every_character_the_report_needs():
    font = report_pdf.find_font()
    assert font.unicode and font.regular.name.startswith("DejaVuSans")
    pdf = report_pdf.FPDF()
    pdf.add_font("X", "", str(font.regular))
    cmap = pdf.fonts["x"].cmap
    assert all(ord(char) in cmap for char in report_pdf.NEEDED + "ÅÄÖåäö")


def test_without_a_unicode_font_words_stand_in_for_icons(monkeypatch, tmp_path):
    monkeypatch.setattr(report_pdf, "find_font", lambda: report_pdf.FontChoice("Helvetica", False))
    monkeypatch.setattr(images, "_render_figures", lambda figures, fmt: (_ for _ in ()).throw(RuntimeError("off")))
    data, targets = project_fixture(tmp_path / "fx")
    pdf = build.build_report(load(data, targets), fmt="pdf", as_of=d("2026-06-30"), scope="communication")
    flat = _normal("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "På väg" in flat and "Efter plan" in flat and "↗" not in flat
    assert "Prenumeranter på nyhetsbrevet" in flat  # å, ä, ö are Latin-1: still right
