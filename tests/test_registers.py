"""Registers: derived values worked out by hand on tests/fixtures/registers (see its targets.yaml
header), every validation rule with its exact message, measures named in targets.yaml, the
listings behind the numbers, and the map."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from kpi.judge.rules import evaluate, evaluate_all
from kpi.model.dataset import Series
from kpi.read import measures, registers, vocab
from kpi.read.load import load_dataset
from kpi.show import listings, maps, register_charts
from kpi.show import registers as register_views
from tests.support import FIXTURES, d

FIXTURE = FIXTURES / "registers"
TODAY = d("2026-11-23")


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE / "data", FIXTURE / "targets.yaml", today=TODAY)


def value_at(series: Series, when: str) -> float | None:
    """The stepwise value on a date: the last point on or before it."""
    index = int(np.searchsorted(series.dates, np.datetime64(d(when)), side="right")) - 1
    return float(series.values[index]) if index >= 0 else None


def test_fixture_has_no_problems_and_lists_its_register_files(data):
    assert [p.format("en") for p in data.problems] == []
    kinds = {info.kind: info for info in data.files}
    assert {kind: info.rows for kind, info in kinds.items()} == {
        "members": 9,
        "agreements": 6,
        "activities": 8,
        "milestones": 6,
    }
    assert kinds["members"].encoding == "cp1252" and kinds["members"].delimiter == ";"
    assert kinds["members"].label == "data/members.csv"


# --- derived values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when, members",
    [
        ("2019-02-28", None),
        ("2025-12-31", 5),
        ("2026-02-14", 6),
        ("2026-02-15", 5),
        ("2026-04-29", 6),
        ("2026-04-30", 5),
        ("2026-06-30", 6),
        ("2026-09-01", 7),
        ("2026-11-23", 7),
    ],
)
def test_members_total_at_dates(data, when, members):
    assert value_at(data.series["members_total"], when) == members
    if members is not None:
        assert len(listings.members_at(data, d(when))) == members


@pytest.mark.parametrize(
    "when, restaurants", [("2025-12-31", 1), ("2026-03-31", 2), ("2026-04-30", 1), ("2026-06-30", 2)]
)
def test_restaurants_where_category_uses_the_swedish_word_too(data, when, restaurants):
    # M03 is written "restaurang" in the file and counts as a restaurant until it leaves on 2026-04-30.
    assert value_at(data.series["members_restaurants"], when) == restaurants


def test_joins_and_leavers_in_a_year(data):
    config = data.config
    new = evaluate(config.metric("members_new"), data.series["members_new"], d("2026-06-30"))
    assert new.value == 3  # M06, M07, M08
    assert evaluate(config.metric("members_new"), data.series["members_new"], TODAY).value == 4
    left = evaluate(config.metric("members_left_unnatural"), data.series["members_left_unnatural"], TODAY)
    assert left.value == 1  # M04 ("other"); M03 left too, but sold is a natural reason
    changes = listings.member_changes(data, 2026)
    assert list(zip(changes["change"], changes["member_id"])) == [
        ("joined", "M06"),
        ("left", "M04"),
        ("joined", "M07"),
        ("left", "M03"),
        ("joined", "M08"),
        ("joined", "M09"),
    ]
    leavers = changes[changes["change"] == "left"]
    assert list(leavers["leave_reason"]) == ["other", "sold"] and list(leavers["natural"]) == [False, True]
    assert list(listings.member_changes(data, 2026, until=d("2026-06-30"))["member_id"]) == [
        "M06",
        "M04",
        "M07",
        "M03",
        "M08",
    ]
    assert listings.member_change_counts(data, 2026, until=d("2026-06-30")) == {"joined": 3, "left": 2}
    by_year = listings.member_changes_by_year(data, 2025, 2026)
    assert by_year.to_dict("records") == [
        {"year": 2025, "change": "joined", "reason": None, "members": 1},
        {"year": 2026, "change": "joined", "reason": None, "members": 4},
        {"year": 2026, "change": "left", "reason": "sold", "members": 1},
        {"year": 2026, "change": "left", "reason": "other", "members": 1},
    ]


def test_flag_shares_yes_or_a_date_within_365_days(data):
    pages = data.series["member_pages_usage_pct"]
    # 2026-06-30: M01 (login 2026-05-10), M02 (yes), M05 (2025-12-01), M08 (2026-06-01) of 6 members.
    assert value_at(pages, "2026-06-30") == pytest.approx(100 * 4 / 6)
    # 2026-09-01: M09 joins without a login: 4 of 7.
    assert value_at(pages, "2026-09-01") == pytest.approx(100 * 4 / 7)
    # M04's login of 2025-03-01 counts for 365 days: on 2026-02-14 (350 days later) it still does.
    rows = measures.rows_behind(data, "member_pages_usage_pct", d("2026-02-14"))
    assert bool(dict(zip(rows["member_id"], rows["counted"]))["M04"])
    assert value_at(pages, "2026-02-14") == pytest.approx(100 * 3 / 6)  # M01 not yet, M02 M04 M05 of 6
    profit = data.series["members_profitability_pct"]
    assert value_at(profit, "2026-06-30") == pytest.approx(50.0)  # M01, M05, M08 of 6
    # No point after today: a flag expiring next spring has not happened yet.
    assert pages.dates[-1] <= np.datetime64(TODAY)


@pytest.mark.parametrize(
    "when, agreements",
    [
        ("2022-12-31", None),
        ("2025-12-31", 3),
        ("2026-01-01", 2),
        ("2026-06-30", 2),
        ("2026-09-30", 3),
        ("2026-10-01", 4),
    ],
)
def test_agreements_in_force_at_a_date(data, when, agreements):
    # Trosa's first agreement ends 2025-12-31 (the end date still counts) and is renewed 2026-10-01;
    # Gnesta is only negotiating; "aktiv" is read as active.
    assert value_at(data.series["municipal_agreements"], when) == agreements


def test_activities_count_only_held_ones(data):
    trainings = evaluate(data.config.metric("trainings"), data.series["trainings"], d("2026-06-30"))
    assert trainings.value == 2
    # 2026-09-15 is still marked planned: not counted even after its date.
    assert evaluate(data.config.metric("trainings"), data.series["trainings"], TODAY).value == 2


def test_attendance_per_meeting(data):
    series = data.series["meeting_attendance_pct"]
    assert not series.stepwise
    assert list(series.dates.astype(str)) == ["2026-04-15", "2026-04-20", "2026-10-12"]
    # 3 of 6 members (M03 is still a member on 2026-04-15), 2 of 6, 4 of 7.
    assert list(series.values) == pytest.approx([50.0, 100 * 2 / 6, 100 * 4 / 7])
    table = listings.attendance_table(data)
    assert list(table["members"]) == [6, 6, 7] and list(table["members_present"]) == [3, 2, 4]
    assert list(listings.attendance_table(data, until=d("2026-06-30"))["date"]) == [d("2026-04-15"), d("2026-04-20")]


def test_milestone_shares(data):
    done = data.series["strukturell_done_pct"]
    assert value_at(done, "2024-07-01") == 0  # the project's start
    assert value_at(done, "2025-12-31") == 25  # 1 of 4
    assert value_at(done, "2026-06-30") == 50  # 2 of 4
    wp1 = data.config.metric("wp1_done")
    assert evaluate(wp1, data.series["wp1_done"], d("2026-06-30")).status == "on_track"
    assert evaluate(wp1, data.series["wp1_done"], d("2027-01-15")).status == "off_track"  # 1 of 2 done


def test_statuses_on_2026_06_30(data):
    statuses = {item.id: item for item in evaluate_all(data.config, data.series, d("2026-06-30"))}
    expected = {
        "members_total": "on_track",  # 6 vs 5 + 3·181/365 = 6.488 → 6 whole members: pace 1/1 = 1
        "members_restaurants": "on_track",  # 2 vs 1 + 2·181/365 = 1.992: pace 1.008
        "members_new": "on_track",  # 3 vs 5·180/364 = 2.473: pace 1.213
        "members_left_unnatural": "moving_away",  # 1 where 0 is the goal
        "member_pages_usage_pct": "reached",  # 66.7 ≥ 25
        "members_profitability_pct": "reached",  # 50 ≥ 50 (2030)
        "municipal_agreements": "moving_away",  # 2, below the baseline 3
        "trainings": "on_track",  # 2 vs 3·180/364 = 1.484
        "meeting_attendance_pct": "off_track",  # 33.3 on 04-20 vs 30 + 20·110/365 = 36.03: pace 0.553
        "strukturell_done_pct": "on_track",  # 50 vs 100·729/1094 = 66.64 = 2.67 of 4 → 2 whole: pace 1
        "wp1_done": "on_track",
    }
    assert {key: statuses[key].status for key in expected} == expected
    # Whole units (issue 13): 3·181/365 = 1.488 members due → 1; pace 1/1.
    assert statuses["members_total"].expected == 6 and statuses["members_total"].pace == 1
    assert statuses["members_total"].value_date == d("2026-06-30") and not statuses["members_total"].stale
    assert statuses["meeting_attendance_pct"].pace == pytest.approx((100 * 2 / 6 - 30) / (20 * 110 / 365))
    # A share of 4 milestones moves in steps of 25 %: 66.64 % due is 2 whole milestones = 50 %.
    assert statuses["strukturell_done_pct"].expected == 50 and statuses["strukturell_done_pct"].pace == 1


# --- listings ----------------------------------------------------------------------------------


def test_members_by_category_and_kommun(data):
    by_category = listings.members_by(data, d("2026-06-30"), "category")
    assert by_category.to_dict("records") == [
        {"category": "restaurant", "members": 2},
        {"category": "hospitality", "members": 1},
        {"category": "processor", "members": 1},
        {"category": "producer", "members": 1},
        {"category": "retail", "members": 1},
        {"category": "other", "members": 0},
    ]
    by_kommun = listings.members_by(data, d("2026-06-30"), "kommun")
    # "Nyköpings kommun" (M08) is read as Nyköping.
    assert by_kommun.iloc[0].to_dict() == {"kommun": "Nyköping", "members": 2}
    assert by_kommun["members"].sum() == 6
    with pytest.raises(ValueError):
        listings.members_by(data, d("2026-06-30"), "name")


def test_member_counts_over_time_monthly(data):
    counts = listings.member_counts_over_time(data, d("2026-01-01"), d("2026-06-30"))
    assert list(counts["date"]) == [
        d("2026-01-31"),
        d("2026-02-28"),
        d("2026-03-31"),
        d("2026-04-30"),
        d("2026-05-31"),
        d("2026-06-30"),
    ]
    assert list(counts["members"]) == [6, 5, 6, 5, 6, 6]
    assert list(counts["joined"]) == [1, 0, 1, 0, 1, 0]
    assert list(counts["left"]) == [0, 1, 0, 1, 0, 0]
    # A mid-month end date is the last row.
    assert listings.member_counts_over_time(data, d("2026-08-01"), d("2026-09-10"))["date"].tolist() == [
        d("2026-08-31"),
        d("2026-09-10"),
    ]


def test_agreements_table_and_states(data):
    table = listings.agreements_table(data, d("2026-06-30"))
    assert list(zip(table["kommun"], table["active"])) == [
        ("Eskilstuna", False),
        ("Flen", True),
        ("Gnesta", False),
        ("Nyköping", True),
        ("Trosa", False),
        ("Trosa", False),
    ]
    assert list(table["status"]) == ["active", "active", "negotiating", "active", "ended", "active"]
    states = listings.agreement_states(data, d("2026-06-30"), ["0428"]).set_index("kommun")["state"].to_dict()
    assert states == {
        "Vingåker": "none",
        "Gnesta": "negotiating",
        "Nyköping": "active",
        "Flen": "active",
        "Eskilstuna": "none",
        "Trosa": "ended",
    }
    later = listings.agreement_states(data, d("2026-10-01")).set_index("kommun")["state"].to_dict()
    assert later["Trosa"] == "active" and later["Eskilstuna"] == "active"


def test_activities_calendar_planned_versus_done(data):
    calendar = listings.activities_in_year(data, 2026, d("2026-06-30"))
    assert len(calendar) == 8
    assert list(calendar["state"]) == ["done"] * 5 + ["upcoming"] * 3
    summary = listings.activity_summary(data, 2026, TODAY).set_index("type")
    # Trainings: two held, 2026-09-15 passed but still "planned", 2026-12-01 ahead.
    assert summary.loc["training"].to_dict() == {"total": 4, "held": 2, "upcoming": 1, "unconfirmed": 1}
    assert summary.loc["autumn_meeting"].to_dict() == {"total": 1, "held": 1, "upcoming": 0, "unconfirmed": 0}


def test_milestones_overdue_first_and_progress(data):
    table = listings.milestones_table(data, d("2026-06-30"))
    assert list(table["status"]) == ["overdue", "open", "done", "done", "done", "done"]
    assert table.iloc[0]["milestone"] == "Starta branschkluster" and table.iloc[0]["days_overdue"] == 181
    # Before its due date the same milestone is open.
    early = listings.milestones_table(data, d("2025-12-30"))
    assert early.set_index("milestone").loc["Starta branschkluster", "status"] == "open"
    progress = listings.milestone_progress(data, d("2026-06-30"))
    rows = {(row["project"], row["package"]): row for row in progress.to_dict("records")}
    total = rows[("strukturell", None)]
    assert total["total"] and (total["milestones"], total["done"], total["overdue"], total["open"]) == (4, 2, 1, 1)
    assert (total["done_pct"], total["overdue_pct"]) == (50.0, 25.0)
    assert rows[("strukturell", "wp2")]["overdue_pct"] == 50.0 and rows[("kismet", "fa1")]["done_pct"] == 100.0
    assert list(progress["project"]) == ["kismet"] * 3 + ["strukturell"] * 3


def test_rows_behind_each_register_metric(data):
    when = d("2026-06-30")
    behind = lambda metric: measures.rows_behind(data, metric, when)  # noqa: E731
    assert sorted(behind("members_total")["member_id"]) == ["M01", "M02", "M05", "M06", "M07", "M08"]
    assert sorted(behind("members_restaurants")["member_id"]) == ["M06", "M08"]
    assert list(behind("members_new")["member_id"]) == ["M06", "M07", "M08"]
    assert list(behind("members_left_unnatural")["member_id"]) == ["M04"]
    pages = behind("member_pages_usage_pct")
    assert len(pages) == 6 and int(pages["counted"].sum()) == 4 and list(pages["counted"][:4]) == [True] * 4
    assert sorted(behind("municipal_agreements")["kommun"]) == ["Flen", "Nyköping"]
    assert list(behind("trainings")["title"]) == ["Hur optimerar jag mitt medlemskap", "Sociala medier"]
    attendance = behind("meeting_attendance_pct")
    assert attendance.iloc[0]["date"] == d("2026-04-20")  # the latest meeting: the value shown
    assert attendance.iloc[0]["attendance_pct"] == pytest.approx(100 * 2 / 6)
    assert list(behind("strukturell_done_pct")["status"]) == ["overdue", "open", "done", "done"]
    with pytest.raises(KeyError):
        measures.rows_behind(data, "no_such_metric", when)


def test_behind_tables_are_translated_with_the_definition(data):
    tables = {table.metric_id: table for table in register_views.behind_tables(data, "members", d("2026-06-30"), "sv")}
    restaurants = tables["members_restaurants"]
    assert restaurants.title == "Vilka? Restauranger som är medlemmar (2 rader)"
    assert restaurants.definition.endswith("Urval: kategori = Restaurang.")
    assert list(restaurants.table.columns)[:4] == ["Medlems-id", "Namn", "Kategori", "Kommun"]
    assert set(restaurants.table["Kategori"]) == {"Restaurang"}
    pages = tables["member_pages_usage_pct"].table
    assert "Medlemssidorna" in pages.columns and list(pages["Räknas"]).count("ja") == 4
    english = register_views.behind_tables(data, "activities", d("2026-06-30"), "en")
    attendance = next(table for table in english if table.metric_id == "meeting_attendance_pct").table
    assert list(attendance["Attendance"]) == ["33.3 %", "50.0 %"]


def test_display_table_formats_numbers_dates_and_codes(data):
    table = register_views.display_table(
        listings.attendance_table(data), "sv", data, ["date", "type", "members_present", "attendance_pct"]
    )
    assert table.to_dict("records")[1] == {
        "Datum": "2026-04-20",
        "Typ": "Matmöte",
        "Närvarande medlemmar": "2",
        "Närvaro": "33,3 %",
    }
    projects = register_views.display_table(
        listings.milestones_table(data, d("2026-06-30")), "en", data, ["status", "project", "package"]
    )
    assert projects.iloc[0].to_dict() == {
        "Status": "✖ Off track",
        "Project": "Structural innovation for more local food",
        "Work package": "2 Industry clusters",
    }


# --- reading rules -----------------------------------------------------------------------------


def test_codes_kommuner_and_yes_no_as_staff_write_them():
    assert vocab.normalise_code("category", "Restaurang") == "restaurant"
    assert vocab.normalise_code("type", "Årsmöte") == "annual_meeting"
    assert vocab.normalise_code("type", "annual meeting") == "annual_meeting"
    assert vocab.normalise_code("leave_reason", "pension") == "retired"
    assert vocab.normalise_code("category", "bakery") is None
    assert vocab.normalise_kommun("Nyköpings kommun") == "0480"
    assert vocab.normalise_kommun("480") == "0480"  # Excel dropped the leading zero
    assert vocab.normalise_kommun("strängnäs") == "0486"
    assert vocab.normalise_kommun("Södertälje") == "0181"  # a neighbour outside Sörmland is fine
    assert vocab.normalise_kommun("Atlantis") is None
    assert len(vocab.municipalities()) == 290
    assert [vocab.yes_no(v) for v in ("Ja", "nej", "x", "", "kanske")] == ["yes", "no", "yes", None, None]


MEMBERS_HEADER = "member_id;name;category;kommun;joined;left;leave_reason"
ONE_METRIC = """
metrics:
  - id: members_total
    name: {sv: Medlemmar}
    area: members
    targets: [{date: 2026-12-31, value: 10}]
    source: {register: members, measure: active_count}
"""


NO_REGISTER_METRIC = """
metrics:
  - id: newsletter
    name: {sv: Nyhetsbrev}
    area: communication
    targets: [{date: 2026-12-31, value: 10}]
"""


def load_case(tmp_path: Path, files: dict[str, str], targets: str = ONE_METRIC):
    folder = tmp_path / "data"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    (tmp_path / "targets.yaml").write_text(textwrap.dedent(targets), encoding="utf-8")
    return load_dataset(folder, tmp_path / "targets.yaml", today=TODAY)


def messages(data, lang: str = "en") -> list[str]:
    return [problem.format(lang) for problem in data.problems]


@pytest.mark.parametrize(
    "rows, expected",
    [
        (
            ["M1;A;producer;Flen;2020-01-01;;", "M1;B;producer;Flen;2021-01-01;;"],
            'data/members.csv:3:member_id: id "M1" is already on row 2; this row is not counted',
        ),
        (
            ["M1;A;producer;Flen;2020-01-01;2019-01-01;closed"],
            "data/members.csv:2:left: leaving date 2019-01-01 is before the joining date 2020-01-01",
        ),
        (
            ["M1;A;bakery;Flen;2020-01-01;;"],
            'data/members.csv:2:category: "bakery" is not an allowed value in column category '
            "(allowed: producer, processor, restaurant, retail, hospitality, other)",
        ),
        (
            ["M1;A;producer;Nyköpin;2020-01-01;;"],
            'data/members.csv:2:kommun: "Nyköpin" is not a Swedish municipality; did you mean Nyköping?',
        ),
        (
            ["M1;A;producer;Atlantis;2020-01-01;;"],
            'data/members.csv:2:kommun: "Atlantis" is not a Swedish municipality; write the municipality\'s name, e.g. Nyköping',
        ),
        (
            ["M1;A;producer;Flen;2020-01-01;2026-01-01;bored"],
            'data/members.csv:2:leave_reason: "bored" is not an allowed value in column leave_reason '
            "(allowed: closed, retired, sold, merged, other)",
        ),
        (
            ["M1;A;producer;Flen;2029-01-01;;"],
            "data/members.csv:2:joined: the date 2029-01-01 is more than two years ahead (after 2028-11-23); is the year right?",
        ),
        (
            ["M1;A;producer;Flen;02/15/2020;;"],  # month first: never guessed
            'data/members.csv:2:joined: "02/15/2020" is not a date in the form YYYY-MM-DD',
        ),
        (["M1;A;producer;Flen;;;"], "data/members.csv:2:joined: the value is missing"),
    ],
)
def test_member_row_errors(tmp_path, rows, expected):
    data = load_case(tmp_path, {"members.csv": "\n".join([MEMBERS_HEADER] + rows) + "\n"})
    assert messages(data) == [expected]
    assert all(problem.severity == "error" for problem in data.problems)


def test_rows_with_errors_are_left_out(tmp_path):
    data = load_case(
        tmp_path,
        {
            "members.csv": "\n".join(
                [
                    MEMBERS_HEADER,
                    "M1;A;producer;Flen;2020-01-01;;",
                    "M1;B;producer;Flen;2021-01-01;;",
                    "M2;C;bakery;Flen;2020-01-01;;",
                    "M3;D;retail;Trosa;2020-06-01;;",
                ]
            )
            + "\n"
        },
    )
    assert len(errors := [p for p in data.problems if p.severity == "error"]) == 2 and errors[0].row == 3
    assert sorted(listings.members_at(data, TODAY)["member_id"]) == ["M1", "M3"]
    assert data.series["members_total"].values[-1] == 2


def test_swedish_message(tmp_path):
    data = load_case(tmp_path, {"members.csv": MEMBERS_HEADER + "\nM1;A;producer;Flen;2020-01-01;2019-01-01;closed\n"})
    assert messages(data, "sv") == ["data/members.csv:2:left: utträdet 2019-01-01 ligger före inträdet 2020-01-01"]


def test_left_without_reason_is_a_warning_and_counts_as_other(tmp_path):
    targets = (
        ONE_METRIC
        + """
  - id: left_other
    name: {sv: Utträden}
    area: members
    aggregation: year_to_date
    targets: [{date: 2026-12-31, value: 0}]
    direction: decrease
    source: {register: members, measure: left_count, where: {leave_reason: other}}
"""
    )
    data = load_case(
        tmp_path, {"members.csv": MEMBERS_HEADER + "\nM1;A;producer;Flen;2020-01-01;2026-03-01;\n"}, targets
    )
    assert messages(data) == [
        'data/members.csv:2:leave_reason: warning: leave reason is missing; counted as "other" (not a natural reason)'
    ]
    assert list(data.series["left_other"].values) == [1.0]


def test_missing_required_column(tmp_path):
    data = load_case(tmp_path, {"members.csv": "member_id;name;category;kommun\nM1;A;producer;Flen\n"})
    assert messages(data) == [
        'data/members.csv:1:joined: column "joined" is missing (found: member_id, name, category, kommun)'
    ]
    assert "members_total" not in data.series and len(listings.members_at(data, TODAY)) == 0


def test_unknown_column_is_a_warning(tmp_path):
    data = load_case(tmp_path, {"members.csv": MEMBERS_HEADER + ";phone\nM1;A;producer;Flen;2020-01-01;;;0155-123\n"})
    assert messages(data) == [
        'data/members.csv:1:phone: warning: column "phone" is not used by the members register and is ignored '
        "(known columns: member_id, name, category, kommun, joined, left, leave_reason, uses_member_pages, "
        "increased_profitability)"
    ]


def test_missing_register_is_a_problem_only_when_a_metric_uses_it(tmp_path):
    data = load_case(tmp_path, {"agreements.csv": "kommun,signed,status\nFlen,2025-01-01,active\n"})
    assert messages(data) == [
        "data/members.csv: the register file is missing, but the metrics members_total are "
        "computed from the members register; put the file in the data folder (see docs/registers.md)"
    ]
    # agreements.csv is read although no metric uses it; activities.csv and milestones.csv are absent: fine.
    assert len(listings.agreements_table(data, TODAY)) == 1
    assert listings.activities_in_year(data, 2026, TODAY).empty


def test_members_present_larger_than_members(tmp_path):
    data = load_case(
        tmp_path,
        {
            "members.csv": MEMBERS_HEADER + "\nM1;A;producer;Flen;2020-01-01;;\nM2;B;retail;Flen;2020-01-01;;\n",
            "activities.csv": "date;type;title;members_present;planned\n2026-04-15;annual_meeting;Årsmöte;5;no\n"
            "2026-04-20;food_meeting;Matmöte;2;no\n",
        },
    )
    assert messages(data) == [
        "data/activities.csv:2:members_present: 5 members present, but the register has only 2 members on 2026-04-15"
    ]
    assert list(listings.attendance_table(data)["date"]) == [d("2026-04-20")]


def test_activity_and_agreement_rules(tmp_path):
    data = load_case(
        tmp_path,
        {
            "members.csv": MEMBERS_HEADER + "\nM1;A;producer;Flen;2020-01-01;;\n",
            "activities.csv": "date;type;title;participants;planned\n"
            "2026-03-01;party;Fest;10;no\n"
            "2026-03-02;training;Kurs;tio;no\n"
            "2026-12-10;training;Kurs;;no\n"
            "2027-06-01;training;Kurs;;ja\n"
            "2029-06-01;training;Kurs;;yes\n",
            "agreements.csv": "kommun,kommunkod,signed,ends,status\n"
            "Flen,0480,2025-01-01,,active\n"
            "Trosa,0488,,,active\n"
            "Gnesta,0461,2024-01-01,,ended\n"
            "Vingåker,0428,2025-01-01,2024-01-01,active\n"
            "Oxelösund,0481,,,unsure\n"
            "Strängnäs,0486,,,none\n",
        },
    )
    assert messages(data) == [
        "data/agreements.csv:2:kommunkod: municipality code 0480 is Nyköping, but the row is about Flen (0482)",
        "data/agreements.csv:3:signed: an agreement with status active needs a date in signed",
        "data/agreements.csv:4:ends: an ended agreement needs an end date in ends",
        "data/agreements.csv:5:ends: the end date 2024-01-01 is before the signing date 2025-01-01",
        'data/agreements.csv:6:status: "unsure" is not an allowed value in column status '
        "(allowed: active, negotiating, ended, none)",
        'data/activities.csv:2:type: "party" is not an allowed value in column type (allowed: training, festival, '
        "campaign, annual_meeting, autumn_meeting, food_meeting, school_collaboration, uf, internal_newsletter, other)",
        'data/activities.csv:3:participants: "tio" is not a whole number (0 or more)',
        "data/activities.csv:4:planned: warning: the activity on 2026-12-10 is marked as held (planned: no) "
        "but is after today (2026-11-23)",
        "data/activities.csv:6:date: the date 2029-06-01 is more than two years ahead (after 2028-11-23); is the year right?",
    ]
    # Planned activities may lie ahead (up to two years): 2027-06-01 is kept.
    assert len(listings.activities_in_year(data, 2027, TODAY)) == 1
    assert list(listings.agreements_table(data, TODAY)["kommun"]) == ["Strängnäs"]


def test_milestone_done_must_be_a_date(tmp_path):
    data = load_case(
        tmp_path,
        {
            "milestones.csv": "project;package;milestone;due;done\n"
            "p;a;Klart;2026-06-30;ja\n"
            "p;a;Klart;2026-06-30;2026-05-01\n"
        },
        NO_REGISTER_METRIC,
    )
    assert messages(data) == [
        'data/milestones.csv:2:done: "ja" in done is not a date; write the day the milestone '
        "was done (YYYY-MM-DD) or leave it empty"
    ]
    assert len(listings.milestones_table(data, TODAY)) == 1


def test_milestone_project_names_are_checked_against_targets(tmp_path):
    targets = """
    projects:
      - id: strukturell
        name: {sv: Strukturell innovation, en: Structural innovation}
        packages: [{id: wp1, name: {sv: Samverkan}}]
    metrics:
      - id: wp1_share
        name: {sv: WP1}
        area: projects
        targets: [{date: 2027-06-30, value: 100}]
        source: {register: milestones, measure: done_share_pct, where: {project: Strukturell innovation, package: wp1}}
    """
    data = load_case(
        tmp_path,
        {
            "milestones.csv": "project;package;milestone;due;done\n"
            "Strukturell innovation;Samverkan;A;2026-06-30;2026-05-01\n"
            "strukturell;wp1;B;2026-12-31;\n"
            "kismet;fa1;C;2025-12-31;\n"
            "strukturell;wp9;D;2025-12-31;\n"
        },
        targets,
    )
    assert messages(data) == [
        'data/milestones.csv:4:project: warning: project "kismet" is not among the projects in targets.yaml (strukturell)',
        'data/milestones.csv:5:package: warning: work package "wp9" is not a package of project strukturell (wp1)',
    ]
    # Names are read as ids: the first two rows are strukturell/wp1, one of them done.
    assert value_at(data.series["wp1_share"], "2026-06-30") == 50.0


def test_a_flag_column_that_is_absent_is_reported(tmp_path):
    targets = (
        ONE_METRIC
        + """
  - id: pages
    name: {sv: Medlemssidorna}
    area: members
    targets: [{date: 2026-12-31, value: 25}]
    source: {register: members, measure: active_share_pct, flag: uses_member_pages}
"""
    )
    data = load_case(tmp_path, {"members.csv": MEMBERS_HEADER + "\nM1;A;producer;Flen;2020-01-01;;\n"}, targets)
    assert messages(data) == [
        "data/members.csv:1:uses_member_pages: metric pages needs column uses_member_pages, but it is not in the file"
    ]
    assert "pages" not in data.series


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            "{register: staff, measure: active_count}",
            'targets.yaml::source.register: metric m: there is no register "staff" (known: members, agreements, activities, logins, surveys, milestones, market_days, participants, narratives)',
        ),
        (
            "{register: members, measure: total}",
            'targets.yaml::source.measure: metric m: the members register has no measure "total" '
            "(known: active_count, joined_count, left_count, active_share_pct)",
        ),
        (
            "{register: members, measure: active_count, where: {colour: red}}",
            'targets.yaml::source.where: metric m: where cannot filter on "colour" in the members register '
            "(can: category, kommun, leave_reason)",
        ),
        (
            "{register: members, measure: active_count, where: {category: [restaurant, bakery]}}",
            'targets.yaml::source.where.category: metric m: "bakery" is not an allowed value for category '
            "(allowed: producer, processor, restaurant, retail, hospitality, other)",
        ),
        (
            "{register: members, measure: active_share_pct}",
            "targets.yaml::source.flag: metric m: the measure needs flag set to one of the columns "
            'uses_member_pages, increased_profitability (got "")',
        ),
        (
            "{register: members, measure: joined_count}",
            "targets.yaml::aggregation: warning: metric m counts members.joined_count and should have aggregation: year_to_date",
        ),
    ],
)
def test_source_problems_name_the_metric(tmp_path, source, expected):
    targets = f"""
    metrics:
      - id: m
        name: {{sv: M}}
        area: members
        targets: [{{date: 2026-12-31, value: 10}}]
        source: {source}
    """
    data = load_case(tmp_path, {"members.csv": MEMBERS_HEADER + "\nM1;A;producer;Flen;2020-01-01;;\n"}, targets)
    assert messages(data) == [expected]
    assert ("m" in data.series) == ("warning" in expected)


def test_where_takes_swedish_values_and_lists(tmp_path):
    targets = """
    metrics:
      - id: food_people
        name: {sv: M}
        area: members
        targets: [{date: 2026-12-31, value: 10}]
        source: {register: members, measure: active_count, where: {category: [Restaurang, retail], kommun: Nyköpings kommun}}
    """
    data = load_case(
        tmp_path,
        {
            "members.csv": "\n".join(
                [
                    MEMBERS_HEADER,
                    "M1;A;restaurant;Nyköping;2020-01-01;;",
                    "M2;B;retail;Nyköping;2021-01-01;;",
                    "M3;C;retail;Flen;2021-01-01;;",
                    "M4;D;producer;Nyköping;2021-01-01;;",
                ]
            )
            + "\n"
        },
        targets,
    )
    assert data.problems == []
    assert list(data.series["food_people"].values) == [1.0, 2.0]
    assert sorted(measures.rows_behind(data, "food_people", TODAY)["member_id"]) == ["M1", "M2"]


def test_where_values_cannot_inject_sql(tmp_path):
    targets = """
    metrics:
      - id: m
        name: {sv: M}
        area: projects
        targets: [{date: 2026-12-31, value: 100}]
        source: {register: milestones, measure: done_share_pct, where: {project: "x') OR 1=1 --"}}
    """
    data = load_case(
        tmp_path, {"milestones.csv": "project;package;milestone;due;done\np;a;A;2026-06-30;2026-05-01\n"}, targets
    )
    assert data.problems == [] and len(data.series["m"]) == 0  # the value is data: no row matches it


# --- charts and map ----------------------------------------------------------------------------


def test_map_names_every_municipality_with_its_state_in_text(data):
    figure = maps.agreements_map(data, d("2026-06-30"), "sv")
    labels = next(trace for trace in figure.data if trace.mode == "text").text
    assert len(labels) == 9
    assert "<b>Nyköping</b><br>✔ Avtal" in labels and "<b>Trosa</b><br>✖ Upphört" in labels
    assert "<b>Gnesta</b><br>… Förhandling" in labels and "<b>Vingåker</b><br>– Inget avtal" in labels
    legend = [trace.name for trace in figure.data if trace.showlegend is not False]
    assert legend == ["✔ Avtal", "… Förhandling", "✖ Upphört", "– Inget avtal"]
    later = maps.agreements_map(data, d("2026-10-01"), "en")
    assert "<b>Trosa</b><br>✔ Agreement" in next(trace for trace in later.data if trace.mode == "text").text
    # Offline: plain x/y polygons, no map tiles or geo base map to fetch.
    assert {trace.type for trace in figure.data} == {"scatter"}
    assert "SCB" in maps.MAP_ATTRIBUTION["sv"] and "MIT" in maps.MAP_ATTRIBUTION["en"]
    assert json.loads(maps.GEOJSON.read_text(encoding="utf-8"))["features"][2]["properties"]["kommun"] == "Nyköping"


def test_register_charts_carry_words_not_only_colours(data):
    when = d("2026-06-30")
    timeline = register_charts.milestone_timeline_figure(listings.milestones_table(data, when), when, "sv", data)
    assert [trace.name for trace in timeline.data] == ["✖ Efter plan", "○ Pågår", "✔ Klart"]
    calendar = register_charts.activity_calendar_figure(listings.activities_in_year(data, 2026, when), 2026, when, "en")
    assert [trace.name for trace in calendar.data] == ["✔ Held", "○ Planned"]
    attendance = register_charts.attendance_figure(listings.attendance_table(data), "sv", 50)
    assert list(attendance.data[0].text) == ["50,0 %", "33,3 %", "57,1 %"]
    changes = register_charts.member_changes_figure(listings.member_changes_by_year(data, 2025, 2026), "sv")
    assert [trace.name for trace in changes.data] == ["Nytt medlemskap", "Utträde: Såld", "Utträde: Annan orsak"]
    assert list(changes.data[0].y) == [1, 4] and list(changes.data[0].text) == ["1", "4"]
    assert list(changes.data[2].y) == [0, 1] and list(changes.data[2].base) == [0, 1]  # stacked on "sold"
    assert list(changes.data[2].text) == ["0", "2"]  # leavers per year, on top of the stack
    over_time = register_charts.members_over_time_figure(
        listings.member_counts_over_time(data, d("2026-01-01"), when), "sv"
    )
    assert list(over_time.data[0].y) == [6, 5, 6, 5, 6, 6]
    progress = register_charts.milestone_progress_figure(listings.milestone_progress(data, when), "sv", data)
    assert [trace.name for trace in progress.data] == ["✔ Klart", "✖ Efter plan", "○ Pågår"]
    by = register_charts.members_by_figure(listings.members_by(data, when, "category"), "category", "sv")
    assert list(by.data[0].y)[-1] == "Restaurang"  # largest on top


def test_a_dated_flag_counts_for_365_days_then_stops(tmp_path):
    targets = (
        ONE_METRIC
        + """
  - id: pages
    name: {sv: Medlemssidorna}
    area: members
    targets: [{date: 2026-12-31, value: 25}]
    source: {register: members, measure: active_share_pct, flag: uses_member_pages}
"""
    )
    data = load_case(
        tmp_path,
        {
            "members.csv": MEMBERS_HEADER + ";uses_member_pages\n"
            "M1;A;producer;Flen;2020-01-01;;;2025-06-01\nM2;B;producer;Flen;2020-01-01;;;nej\n"
        },
        targets,
    )
    pages = data.series["pages"]
    assert value_at(pages, "2025-05-31") == 0.0
    assert value_at(pages, "2025-06-01") == 50.0
    assert value_at(pages, "2026-06-01") == 50.0  # 365 days after the login
    assert value_at(pages, "2026-06-02") == 0.0


def test_attendance_goal_is_the_years_target(data):
    assert register_views.attendance_goal(data, d("2026-06-30")) == 50.0
    # No target of its own in 2027: the 2026 target carries on (kpi.judge.rules.year_target).
    assert register_views.attendance_goal(data, d("2027-03-01")) == 50.0


def test_progress_table_names_total_rows(data):
    table = register_views.display_table(
        listings.milestone_progress(data, d("2026-06-30")), "sv", data, ["project", "package", "done_pct"]
    )
    assert table.iloc[0].to_dict() == {"Projekt": "KISMET", "Arbetspaket": "Totalt", "Andel klara": "100,0 %"}
    assert table.iloc[1]["Arbetspaket"] == "1 Styrning/Integration"


def test_the_newcomers_example_in_docs_works_without_code(tmp_path):
    text = (Path(__file__).resolve().parent.parent / "docs" / "registers.md").read_text(encoding="utf-8")
    example = text.split("2. Add the goals to `targets.yaml`:")[1].split("```yaml")[1].split("```")[0]
    data = load_case(
        tmp_path,
        {
            "members.csv": "member_id,name,category,kommun,joined\n"
            "K1,Linje 17,other,Stockholm,2021-03-01\nK2,Matkoop Väst,other,Göteborg,2022-05-01\n"
            "K3,Södermatkoop,other,Stockholms kommun,2026-02-01\n",
            "activities.csv": "date,type,title,planned\n2026-03-10,Matmöte,Nätverksträff 1,nej\n2026-11-30,food_meeting,Träff 2,ja\n",
        },
        example,
    )
    # The docs' baseline (28 co-ops) is the real network's; these three rows give 2 on that day.
    assert [(p.code, p.params["metric"]) for p in data.problems] == [("baseline_differs", "coops_total")]
    statuses = {item.id: item for item in evaluate_all(data.config, data.series, TODAY)}
    assert statuses["coops_total"].value == 3 and statuses["coops_stockholm"].value == 2
    assert statuses["network_meetings"].value == 1


def test_check_register_table_judges_an_upload_by_the_same_rules(data):
    from kpi.read.tables import connect, read_table

    con, problems = connect(), []
    upload = (
        MEMBERS_HEADER + "\nM1;A;Restaurang;Nyköpings kommun;2020-01-01;;\nM1;B;producer;Flen;2021-01-01;;\n"
        "M2;C;producer;Flen;2030-01-01;;\n"
    ).encode("cp1252")
    raw = read_table(con, upload, "members.csv", "upload", problems)
    rows = registers.check_register_table(con, "members", raw, data.config, TODAY, problems)
    assert [p.format("en") for p in problems] == [
        'members.csv:3:member_id: id "M1" is already on row 2; this row is not counted',
        "members.csv:4:joined: the date 2030-01-01 is more than two years ahead (after 2028-11-23); is the year right?",
    ]
    assert rows.to_dict("records") == [
        {
            "member_id": "M1",
            "name": "A",
            "category": "restaurant",
            "kommun": "Nyköping",
            "joined": d("2020-01-01"),
            "left": None,
            "leave_reason": None,
            "uses_member_pages": None,
            "increased_profitability": None,
            "kommunkod": "0480",
            "row": 2,
        }
    ]
    missing = read_table(con, b"member_id;name\nM1;A\n", "members.csv", "upload2", problems := [])
    assert registers.check_register_table(con, "members", missing, data.config, TODAY, problems) is None
    assert [p.column for p in problems] == ["category", "kommun", "joined"]


def test_names_sort_in_swedish_order(tmp_path):
    data = load_case(
        tmp_path,
        {
            "members.csv": "\n".join(
                [
                    MEMBERS_HEADER,
                    "M1;Örby gård;producer;Flen;2020-01-01;;",
                    "M2;Ängens lamm;producer;Flen;2020-01-01;;",
                    "M3;Åsens kök;restaurant;Flen;2020-01-01;;",
                    "M4;Zetas bröd;processor;Flen;2020-01-01;;",
                ]
            )
            + "\n"
        },
    )
    assert list(listings.members_at(data, TODAY)["name"]) == ["Zetas bröd", "Åsens kök", "Ängens lamm", "Örby gård"]


def test_a_milestone_project_in_where_must_be_a_project(tmp_path):
    targets = """
    projects:
      - {id: strukturell, name: {sv: Strukturell innovation}}
    metrics:
      - id: share
        name: {sv: Andel}
        area: projects
        targets: [{date: 2027-06-30, value: 100}]
        source: {register: milestones, measure: done_share_pct, where: {project: strukturel}}
    """
    data = load_case(
        tmp_path, {"milestones.csv": "project;package;milestone;due\nstrukturell;;A;2026-06-30\n"}, targets
    )
    assert messages(data) == [
        'targets.yaml::source.where.project: metric share: "strukturel" is not an allowed value '
        "for project (allowed: strukturell)"
    ]
