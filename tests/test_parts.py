"""A goal that is the sum of other goals' series (``parts:``): values worked out by hand.

tests/fixtures/basic holds social_followers 10 100 / 10 250 / 10 400 at 2026-01-31, 03-31, 05-31
(typed before the goal had parts); the parts are added here.
"""

from __future__ import annotations

import pytest

from kpi.model.problems import DataError
from kpi.read.load import load_dataset
from kpi.read.targets import load_config
from tests.support import TODAY

PARTS = """
  - id: followers_facebook
    name: {sv: Följare på Facebook, en: Facebook followers}
    area: communication
    unit: followers
    min: 0
    targets: [{date: 2026-12-31, value: 7000}]
  - id: followers_instagram
    name: {sv: Följare på Instagram, en: Instagram followers}
    area: communication
    unit: followers
    min: 0
    targets: [{date: 2026-12-31, value: 5000}]
"""


def with_parts(targets, parts: str = "[followers_facebook, followers_instagram]", extra: str = PARTS) -> None:
    text = targets.read_text(encoding="utf-8")
    text = text.replace("  - id: social_followers\n", f"  - id: social_followers\n    parts: {parts}\n", 1)
    targets.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")


def add_rows(data, *rows: str) -> None:
    path = data / "metrics" / "communication.csv"
    path.write_text(path.read_text(encoding="utf-8") + "".join(row + "\n" for row in rows), encoding="utf-8")


def values(dataset, metric_id: str) -> list[tuple[str, float]]:
    series = dataset.series[metric_id]
    return [(str(day), float(value)) for day, value in zip(series.dates, series.values)]


def test_the_sum_starts_when_every_part_has_a_value_and_follows_each_change(copy_fixture):
    data, targets = copy_fixture("basic")
    with_parts(targets)
    add_rows(
        data,
        "followers_facebook,2026-06-30,6000,,",
        "followers_instagram,2026-06-15,4400,,",  # facebook has no value yet: no sum on 15 June
        "followers_instagram,2026-06-30,4500,,",
        "followers_instagram,2026-07-31,4600,,",
    )
    dataset = load_dataset(data, targets, today=TODAY)
    assert values(dataset, "social_followers") == [
        ("2026-01-31", 10100.0),
        ("2026-03-31", 10250.0),
        ("2026-05-31", 10400.0),
        ("2026-06-30", 10500.0),  # 6 000 + 4 500
        ("2026-07-31", 10600.0),  # 6 000 (latest) + 4 600
    ]


def test_a_value_typed_for_the_goal_itself_wins_on_its_date(copy_fixture):
    data, targets = copy_fixture("basic")
    with_parts(targets)
    add_rows(
        data,
        "followers_facebook,2026-06-30,6000,,",
        "followers_instagram,2026-06-30,4500,,",
        "social_followers,2026-06-30,10555,,typed from the platforms' pages",
    )
    dataset = load_dataset(data, targets, today=TODAY)
    assert values(dataset, "social_followers")[-1] == ("2026-06-30", 10555.0)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ("[followers_facebook, followers_tiktok]", "part 'followers_tiktok' is not among the metrics"),
        ("[social_followers]", "part 'social_followers' must be a goal with typed values of its own"),
        ("[]", "parts: needs at least one goal"),
    ],
)
def test_parts_must_be_other_typed_goals(copy_fixture, parts, message):
    _data, targets = copy_fixture("basic")
    with_parts(targets, parts)
    with pytest.raises(DataError) as raised:
        load_config(targets)
    assert message in " ".join(problem.message("en") for problem in raised.value.problems)
