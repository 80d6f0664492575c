"""The Excel report, read back with openpyxl and opened by LibreOffice Calc.

Built once for the module (all goals, Swedish, as of 2026-06-30) from the fixture with a note
``=HYPERLINK("http://x","y")`` on an observation, which must stay inert text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from kpi.cli import main
from kpi.report import build
from tests.support import HYPERLINK, load, project_fixture
from tests.support import REPORT_AS_OF as AS_OF

# Area sheets hold the metrics (each with its chart); the milestones have their own sheet and chart.
SHEETS = ["Sammanfattning", "Kommunikation", "Aktiviteter", "Organisation", "Milstolpar", "Observationer", "Metod"]


MILESTONES = {"uf_collaboration", "own_label", "kismet_plan", "kismet_mapping", "kismet_final"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    data, targets = project_fixture(folder / "fx", note=HYPERLINK)
    path = folder / "report.xlsx"
    path.write_bytes(build.build_report(load(data, targets), fmt="xlsx", as_of=AS_OF, scope="all", lang="sv"))
    return path, data, targets


@pytest.fixture(scope="module")
def workbook(built):
    return openpyxl.load_workbook(built[0])


def _summary(workbook) -> tuple[list[str], dict[str, dict]]:
    sheet = workbook["Sammanfattning"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    header = list(rows[0])
    records = {}
    for row in rows[1:]:
        if row[0] is None:
            break
        record = dict(zip(header, row))
        records[record["Id"]] = record  # names first, the id in a later column
    return header, records


def test_sheets_in_order(workbook):
    assert workbook.sheetnames == SHEETS


def test_summary_values_equal_kpi_status_json(workbook, built, capsys):
    _, data, targets = built
    assert (
        main(["--data", str(data), "--targets", str(targets), "status", "--as-of", "2026-06-30", "--format", "json"])
        == 0
    )
    status = {item["id"]: item for item in json.loads(capsys.readouterr().out)}
    _, records = _summary(workbook)
    assert list(records) == list(status)
    for metric_id, item in status.items():
        row = records[metric_id]
        assert row["Statuskod"] == item["status"]
        assert row["Status"].endswith(item["status_label"])  # icon and word: "↗ På väg"
        if metric_id in MILESTONES:
            assert row["Värde"] in ("✔ Klart", "✖ Efter plan", "○ Pågår")  # a state in words, not 0/1
        else:
            assert row["Värde"] == item["value"]
        assert row["Takt"] == item["pace"]
        assert row["Förväntat"] == item["expected"]
        assert row["Förklaring"] == item["explanation"]
        value_date = row["Värdets datum"]
        assert (value_date.date().isoformat() if value_date else None) == item["value_date"]
    newsletter = records["newsletter_subscribers"]
    assert (newsletter["Mål 2026"], newsletter["Mål 2030"], newsletter["Nästa mål"]) == (7500, 11000, 7500)


def test_summary_is_frozen_filtered_formatted(workbook):
    sheet = workbook["Sammanfattning"]
    assert sheet.freeze_panes == "B5"  # header row and the name column stay in view
    assert [cell.value for cell in sheet[4]][0] == "Mål" and sheet.cell(5, 1).value == "Prenumeranter på nyhetsbrevet"
    header, records = _summary(workbook)
    last = 4 + len(records)
    assert sheet.auto_filter.ref == f"A4:{openpyxl.utils.get_column_letter(len(header))}{last}"
    rules = [(str(cf.sqref), rule.text) for cf in sheet.conditional_formatting for rule in cf.rules]
    status_col = openpyxl.utils.get_column_letter(header.index("Status") + 1)
    assert (f"{status_col}5:{status_col}{last}", "✔ Uppnått") in rules
    assert len(rules) == 7  # one per status, "before the plan period" included
    assert sheet.column_dimensions["A"].width > 30
    assert sheet.cell(5, header.index("Värdets datum") + 1).number_format == "yyyy-mm-dd"
    assert isinstance(sheet.cell(5, header.index("Värdets datum") + 1).value, dt.datetime)


def test_area_sheets_hold_data_and_native_line_charts(built, workbook):
    sheet = workbook["Kommunikation"]
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Prenumeranter på nyhetsbrevet" and values[1][0] == "↗ På väg"
    header_row = next(index for index, row in enumerate(values) if row[0] == "Datum")
    points = []
    for row in values[header_row + 1 :]:
        if row[0] is None:
            break
        points.append((row[0].date().isoformat(), row[1], row[2], row[3]))
    # baseline 2025-12-31 (expected 6 200), three observations, the targets 2026 and 2030;
    # expected on 2026-05-31 = 6200 + 1300 × 151/365 = 6737.8
    assert [point[0] for point in points] == [
        "2025-12-31",
        "2026-01-31",
        "2026-03-31",
        "2026-05-31",
        "2026-12-31",
        "2030-12-31",
    ]
    assert points[3][1] == 6900 and round(points[3][2], 1) == 6737.8 and points[4][3] == 7500 and points[5][3] == 11000
    with zipfile.ZipFile(built[0]) as archive:
        charts = sorted(name for name in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", name))
        # one chart per metric with a path (6 of the 11 goals) and one for the 5 milestones
        assert len(charts) == 7
        chart = archive.read(charts[0]).decode("utf-8")
        assert "<c:lineChart>" in chart and chart.count("<c:ser>") == 3 and "<c:dateAx>" in chart
        assert "Mål" in chart and "Förväntat" in chart
        assert 'prstDash val="dash"' in chart
        drawings = [name for name in archive.namelist() if name.startswith("xl/worksheets/_rels/")]
        assert len(drawings) == 4  # the three area sheets and the milestone sheet carry drawings


def test_observations_sheet_has_every_row_with_file_and_row_and_inert_notes(workbook):
    sheet = workbook["Observationer"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Id", "Mål", "Datum", "Värde", "Anteckning", "Källa", "Fil", "Rad")
    # The period ends at the as-of date 2026-06-30: communication.csv 6 rows; organisation.csv 5 values
    # (trainings 02-15 and 05-20, costs 03-31, office 03-31 and 04-30; not trainings 09-01);
    # milestones.csv 1 and kismet.csv 1.
    assert len(rows) - 1 == 6 + 5 + 1 + 1
    hyperlink = next(row for row in rows if row[0] == "newsletter_subscribers" and row[2] == dt.datetime(2026, 5, 31))
    assert hyperlink[4] == "'" + HYPERLINK and hyperlink[6] == "data/metrics/communication.csv" and hyperlink[7] == 4
    cell = next(cell for row in sheet.iter_rows() for cell in row if cell.value == "'" + HYPERLINK)
    assert cell.data_type == "s"
    costs = next(row for row in rows if row[0] == "costs_sek")
    assert costs[3] == 1050 and costs[6] == "data/metrics/organisation.csv" and costs[7] == 3


def test_no_formula_anywhere(built):
    with zipfile.ZipFile(built[0]) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in archive.read(name).decode("utf-8")


def test_summary_value_note_is_neutralised(workbook):
    header, records = _summary(workbook)
    assert records["newsletter_subscribers"]["Anteckning till värdet"] == "'" + HYPERLINK


def test_method_sheet(workbook):
    texts = [cell for row in workbook["Metod"].iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    joined = "\n".join(texts)
    assert "Metod i korthet" in joined and "takten är minst 95 % av den förväntade." in joined
    assert "Kommungränser: Källa: SCB" in joined and "Inmatade mätvärden: Aktiviteter, Organisation" in joined


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
@pytest.mark.slow
def test_libreoffice_opens_it(built, tmp_path):
    profile = tmp_path / "lo_profile"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path),
            str(built[0]),
        ],
        capture_output=True,
        timeout=180,
        check=True,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    converted = tmp_path / "report.csv"
    rows = list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8"))))
    header = rows[3]
    newsletter = dict(zip(header, next(row for row in rows if row and row[0] == "Prenumeranter på nyhetsbrevet")))
    assert newsletter["Statuskod"] == "on_track" and newsletter["Status"] == "↗ På väg"
    assert newsletter["Anteckning till värdet"] == "'" + HYPERLINK  # Calc kept it as text, not a formula
