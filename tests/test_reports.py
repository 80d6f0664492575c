"""Reports: scopes, periods, the CSV status table, the HTML file and the ``kpi report`` command.

The PDF and Excel files have their own test modules (test_report_pdf.py, test_report_xlsx.py);
the helpers here build the shared fixture: tests/fixtures/basic plus a project (KISMET) with
three milestones, copied to a temporary folder so tests may change the data.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.judge.explain import status_record
from kpi.model.problems import DataError
from kpi.report import build
from kpi.report import content as reports
from tests.support import BASIC_NAMES, HYPERLINK, PROJECT_NAMES, d, load, project_fixture

AS_OF = d("2026-06-30")


@pytest.fixture
def fixture_data(tmp_path):
    data, targets = project_fixture(tmp_path / "fx")
    return load(data, targets)


# --- scopes and periods ------------------------------------------------------------------------------


def test_scope_choices_come_from_the_configuration(fixture_data):
    assert reports.scope_choices(fixture_data.config) == [
        "all",
        "matkluster",
        "kismet",
        "communication",
        "activities",
        "organisation",
    ]


def test_each_scope_selects_its_metrics(fixture_data):
    def ids(scope):
        content = reports.gather(fixture_data, reports.ReportSpec(fmt="csv", as_of=AS_OF, scope=scope))
        return [item.id for item in content.statuses]

    assert len(ids("all")) == 11
    assert ids("kismet") == ["kismet_plan", "kismet_mapping", "kismet_final"]
    assert len(ids("matkluster")) == 8 and not set(ids("matkluster")) & set(ids("kismet"))
    assert ids("activities") == ["trainings", "uf_collaboration", "kismet_plan", "kismet_mapping", "kismet_final"]
    assert ids("communication") == ["newsletter_subscribers", "social_followers"]


def test_an_unknown_scope_is_a_data_error_naming_the_choices(fixture_data):
    with pytest.raises(DataError) as caught:
        reports.gather(fixture_data, reports.ReportSpec(fmt="csv", as_of=AS_OF, scope="strukturell"))
    message = caught.value.problems[0].message("en")
    assert "strukturell" in message and "kismet" in message and "communication" in message


def test_defaults_project_period_and_as_of(fixture_data):
    config = fixture_data.config
    spec = reports.resolve_spec(reports.ReportSpec(scope="kismet"), config, d("2026-11-23"))
    assert (spec.period_from, spec.period_to, spec.as_of) == (d("2026-01-01"), d("2026-12-31"), d("2026-11-23"))
    spec = reports.resolve_spec(reports.ReportSpec(period_to=d("2026-03-31")), config, d("2026-11-23"))
    assert (spec.period_from, spec.period_to, spec.as_of) == (None, d("2026-03-31"), d("2026-03-31"))
    spec = reports.resolve_spec(reports.ReportSpec(as_of=d("2026-05-01")), config, d("2026-11-23"))
    assert (spec.period_to, spec.as_of) == (d("2026-05-01"), d("2026-05-01"))
    with pytest.raises(ValueError):
        reports.resolve_spec(reports.ReportSpec(period_from=d("2026-05-01"), period_to=d("2026-04-01")), config, AS_OF)


def test_the_period_selects_observations_and_milestones(fixture_data):
    spec = reports.ReportSpec(
        fmt="pdf", as_of=AS_OF, scope="all", period_from=d("2026-03-01"), period_to=d("2026-04-30")
    )
    content = reports.gather(fixture_data, spec)
    # newsletter: 2026-01-31, 03-31, 05-31 → only 03-31 lies in March–April.
    assert [row.date for row in content.observations("newsletter_subscribers").itertuples()] == [d("2026-03-31")]
    chart = content.chart_data().series["newsletter_subscribers"]
    assert [str(day) for day in chart.dates] == ["2026-03-31", "2026-05-31"]  # from the period's start on
    kismet = reports.gather(fixture_data, reports.ReportSpec(fmt="pdf", as_of=AS_OF, scope="kismet", lang="sv"))
    groups = kismet.milestone_groups()
    # Period 2026 (the project's): the final conference (2027-03-31) is not listed; packages in order.
    assert [(package, [item.id for item in items]) for package, items in groups] == [
        ("1 Styrning och kartläggning", ["kismet_mapping"]),
        ("2 Hållbar konsumtion", ["kismet_plan"]),
    ]
    assert [item.status for _, items in groups for item in items] == ["reached", "off_track"]


def test_statuses_are_those_of_the_rule(fixture_data):
    from kpi.judge.rules import evaluate_all

    content = reports.gather(fixture_data, reports.ReportSpec(fmt="csv", as_of=AS_OF))
    expected = [status_record(item, "sv") for item in evaluate_all(fixture_data.config, fixture_data.series, AS_OF)]
    assert [status_record(item, "sv") for item in content.statuses] == expected
    assert [item.status for item in content.statuses][:8] == [
        "on_track",
        "off_track",
        "at_risk",
        "moving_away",
        "reached",
        "reached",
        "on_track",
        "no_data",
    ]


def test_file_names_say_scope_and_date():
    assert (
        build.file_name(reports.ReportSpec(fmt="pdf", scope="kismet", as_of=d("2026-11-23")), "matkluster")
        == "matkluster-kismet-2026-11-23.pdf"
    )
    assert (
        build.file_name(reports.ReportSpec(fmt="xlsx", scope="matkluster", as_of=d("2026-11-23")), "matkluster")
        == "matkluster-2026-11-23.xlsx"
    )
    assert (
        build.file_name(reports.ReportSpec(fmt="pdf", scope="all", pack=d("2026-06-30"), lang="en"), "matkluster")
        == "matkluster-alla-board-pack-2026-06-30.pdf"
    )


# --- CSV ----------------------------------------------------------------------------------------------


def _status_csv(capsys, data: Path, targets: Path) -> list[list[str]]:
    assert (
        main(
            ["--data", str(data), "--targets", str(targets), "status", "--as-of", AS_OF.isoformat(), "--format", "csv"]
        )
        == 0
    )
    return list(csv.reader(io.StringIO(capsys.readouterr().out)))


def test_csv_default_dialect_is_kpi_status_plus_the_value_note(tmp_path, capsys):
    data, targets = project_fixture(tmp_path / "fx", note=HYPERLINK)
    status = _status_csv(capsys, data, targets)
    body = build.build_report(load(data, targets), fmt="csv", as_of=AS_OF)
    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert [row[:-1] for row in rows] == status
    assert rows[0][-1] == "value_note"
    notes = {row[0]: row[-1] for row in rows[1:]}
    assert notes["newsletter_subscribers"] == "'" + HYPERLINK  # neutralised: Excel shows it as text
    assert notes["uf_collaboration"] == "Avtal med UF Sörmland"
    assert notes["social_followers"] == ""


def test_csv_excel_sv_dialect_semicolon_decimal_comma_bom(tmp_path, capsys):
    data, targets = project_fixture(tmp_path / "fx", note=HYPERLINK)
    status = _status_csv(capsys, data, targets)
    body = build.build_report(load(data, targets), fmt="csv", as_of=AS_OF, csv_dialect="excel-sv")
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:-1] == status[0]
    by_id = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    # pace of newsletter_subscribers: (6900 − 6200) / (6737.8082 − 6200) = 1.3016 (rounded as in kpi status)
    assert by_id["newsletter_subscribers"]["pace"] == "1,3016"
    assert by_id["newsletter_subscribers"]["expected"] == "6737,8082"
    assert by_id["office_fte"]["value"] == "2"  # a whole number stays whole
    assert by_id["newsletter_subscribers"]["value_note"] == "'" + HYPERLINK
    for row in rows[1:]:  # the same cells as the default dialect, decimal comma aside
        original = next(line for line in status[1:] if line[0] == row[0])
        assert [cell.replace(",", ".") for cell in row[:-1]] == [cell.replace(",", ".") for cell in original]


def test_csv_negative_numbers_stay_numbers(fixture_data):
    body = build.build_report(fixture_data, fmt="csv", as_of=AS_OF, csv_dialect="excel-sv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    costs = dict(zip(rows[0], next(row for row in rows if row[0] == "costs_sek")))
    # costs 1 050 against a baseline of 1 000 heading for 900: pace is negative, and must not become text.
    assert costs["pace"].startswith("-") and not costs["pace"].startswith("'")


# --- HTML ---------------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster") and value:
                self.urls.append(value)


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    data, targets = project_fixture(tmp_path_factory.mktemp("html"), note='<script>alert("x")</script>')
    return build.build_report(load(data, targets), fmt="html", as_of=AS_OF).decode("utf-8")


def test_html_is_self_contained(html_report):
    parser = _Links()
    parser.feed(html_report)
    assert parser.urls and all(url.startswith("data:") for url in parser.urls)
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html_report, re.IGNORECASE)
    assert not parser.tags & {"script", "link", "iframe", "object", "embed"}
    assert "default-src 'none'" in html_report  # nothing may be loaded even if something slipped in


def test_html_has_every_metric_with_its_chart_and_sentence(html_report):
    for name in BASIC_NAMES + PROJECT_NAMES:
        assert name in html_report
    assert html_report.count('src="data:image/svg+xml;base64,') == 11
    assert "På väg: 6\u00a0900 mot förväntat 6\u00a0738, takt 1,30." in html_report
    assert "Läge per" in html_report and "30 juni 2026" in html_report


def test_html_escapes_text_from_the_data(html_report):
    assert "<script>" not in html_report
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html_report


# --- the command line ---------------------------------------------------------------------------------


def _args(data: Path, targets: Path) -> list[str]:
    return ["--data", str(data), "--targets", str(targets)]


def test_cli_report_csv_and_usage_errors(tmp_path, capsys):
    data, targets = project_fixture(tmp_path / "fx")
    out = tmp_path / "status.csv"
    assert main(_args(data, targets) + ["report", "--out", str(out), "--as-of", "2026-06-30"]) == 0
    assert out.read_text(encoding="utf-8").startswith("id,name,area")
    assert main(_args(data, targets) + ["report", "--format", "csv", "--out", str(out), "--scope", "nope"]) == 1
    assert "nope" in capsys.readouterr().err
    assert main(_args(data, targets) + ["report", "--format", "csv", "--out", str(out), "--as-of", "30/6"]) == 2
    assert main(_args(data, targets) + ["report", "--out", str(tmp_path / "report.doc")]) == 2
    assert (
        main(
            _args(data, targets)
            + ["report", "--format", "csv", "--out", str(out), "--from", "2026-05-01", "--to", "2026-04-01"]
        )
        == 2
    )
    assert main(_args(data, targets) + ["report", "--format", "csv", "--out", str(out), "--pack", "2026-06-30"]) == 1
    assert "2026-06-30" in capsys.readouterr().err


def test_cli_snapshot_save_list_and_report_from_pack(tmp_path, capsys):
    data, targets = project_fixture(tmp_path / "fx")
    assert (
        main(
            _args(data, targets)
            + [
                "snapshot",
                "save",
                "--date",
                "2026-06-30",
                "--author",
                "Anna",
                "--comment",
                "social_followers=Ny kampanj i höst",
            ]
        )
        == 0
    )
    assert (data / "snapshots" / "2026-06-30.json").is_file()
    assert main(_args(data, targets) + ["snapshot", "save", "--date", "2026-06-30"]) == 1  # no overwrite
    assert main(_args(data, targets) + ["snapshot", "save", "--date", "2026-06-30", "--comment", "oops"]) == 2
    capsys.readouterr()
    assert main(_args(data, targets) + ["snapshot", "list"]) == 0
    listing = capsys.readouterr().out
    assert "2026-06-30  (Anna)" in listing and "1 kommentarer" in listing
    out = tmp_path / "pack.csv"
    assert main(_args(data, targets) + ["report", "--out", str(out), "--pack", "2026-06-30"]) == 0
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert rows["social_followers"]["comment"] == "Ny kampanj i höst"
    assert rows["newsletter_subscribers"]["value"] == "6900"
    assert rows["newsletter_subscribers"]["comment"] == ""


def test_cli_report_in_english(tmp_path, capsys):
    data, targets = project_fixture(tmp_path / "fx")
    out = tmp_path / "r.csv"
    assert main(_args(data, targets) + ["report", "--out", str(out), "--as-of", "2026-06-30", "--lang", "en"]) == 0
    assert "The report was written to" in capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert (rows[0]["name"], rows[0]["status_label"]) == ("Newsletter subscribers", "On track")
