"""Each bad file gets its exact message, naming file, row and column, and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.model.problems import DataError
from kpi.read.load import load_dataset
from kpi.read.targets import load_config
from tests.support import FIXTURES, tree_digest

BAD = Path(__file__).parent / "bad_files"
TARGETS = FIXTURES / "basic" / "targets.yaml"

EXPECTED = {
    "missing_column.csv": ['data/metrics/missing_column.csv:1:date: column "date" is missing (found: metric, value)'],
    "unknown_metric.csv": [
        'data/metrics/unknown_metric.csv:3:metric: warning: "nyhetsbrev" is not a metric in targets.yaml; the row is not counted'
    ],
    "non_numeric.csv": ['data/metrics/non_numeric.csv:2:value: "sju tusen" is not a number'],
    "bad_date.csv": [
        'data/metrics/bad_date.csv:2:date: "01/31/2026" is not a date in the form YYYY-MM-DD',
        'data/metrics/bad_date.csv:3:date: "2026-02-30" is not a date in the form YYYY-MM-DD',
    ],
    "empty.csv": ["data/metrics/empty.csv: the file is empty (0 bytes); save it again from Excel as CSV"],
    "header_only.csv": ["data/metrics/header_only.csv:1: the file has a header row but no data rows"],
    "binary_junk.csv": [
        "data/metrics/binary_junk.csv: the file is not a text file (it looks like binary data); save it as CSV (semicolon-separated) or CSV UTF-8"
    ],
    "png_renamed.csv": [
        "data/metrics/png_renamed.csv: the file is not a text file (it looks like a PNG image); save it as CSV (semicolon-separated) or CSV UTF-8"
    ],
    "utf16.csv": [
        'data/metrics/utf16.csv: the file is saved as UTF-16 ("Unicode text"); save it as "CSV UTF-8" or "CSV (semicolon delimited)"'
    ],
    "undecodable.csv": None,  # the encoding guess in the message depends on charset-normalizer; checked below
    "duplicated_rows.csv": [
        "data/metrics/duplicated_rows.csv:3:date: warning: newsletter_subscribers 2026-01-31 also appears at data/metrics/duplicated_rows.csv:2; the later row is used"
    ],
    "broken_quote.csv": [
        'data/metrics/broken_quote.csv:2: the row cannot be read as CSV: a quotation mark (") is not closed'
    ],
    "ragged.csv": ["data/metrics/ragged.csv:3: the row has 4 fields but the header has 3 (separator ',')"],
    "out_of_bounds.csv": [
        "data/metrics/out_of_bounds.csv:2:value: -50 is below the allowed minimum (0) for newsletter_subscribers",
        "data/metrics/out_of_bounds.csv:3:value: 120 is above the allowed maximum (100) for stores_local_food_pct",
    ],
    "empty_cells.csv": [
        "data/metrics/empty_cells.csv:2:value: the value is missing",
        "data/metrics/empty_cells.csv:3:metric: the value is missing",
    ],
    # Classic Mac line endings (CR only) are read: the message names the right line.
    "cr_only.csv": ['data/metrics/cr_only.csv:3:value: "sju tusen" is not a number'],
    "wide_header.csv": [
        "data/metrics/wide_header.csv:1: the header row has more than 200 columns; remove empty or extra columns"
    ],
    "long_cell.csv": [
        "data/metrics/long_cell.csv:2: a cell is longer than 5000 characters; shorten the text or check that "
        "the file really is a table"
    ],
}
WARNINGS_ONLY = {"unknown_metric.csv", "duplicated_rows.csv"}


def test_every_bad_file_has_an_expectation():
    assert sorted(p.name for p in BAD.glob("*.csv")) == sorted(EXPECTED)


def _alone(tmp_path: Path, name: str) -> Path:
    data = tmp_path / "data"
    (data / "metrics").mkdir(parents=True)
    shutil.copy(BAD / name, data / "metrics" / name)
    return data


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_message_and_nothing_written(tmp_path, name):
    data = _alone(tmp_path, name)
    before = tree_digest(tmp_path)
    dataset = load_dataset(data, TARGETS)
    messages = [problem.format("en") for problem in dataset.problems]
    if EXPECTED[name] is None:
        assert len(messages) == 1
        assert messages[0].startswith(
            "data/metrics/undecodable.csv:2: the file is neither UTF-8 nor Windows-1252 (byte 0x81 on line 2"
        )
    else:
        assert messages == EXPECTED[name]
    assert tree_digest(tmp_path) == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_exit_code(tmp_path, name, capsys):
    data = _alone(tmp_path, name)
    code = main(["validate", "--data", str(data), "--targets", str(TARGETS), "--lang", "en"])
    assert code == (0 if name in WARNINGS_ONLY else 1)
    assert "Traceback" not in capsys.readouterr().err


def test_a_data_file_over_the_size_limit_is_not_read(tmp_path, capsys):
    """A 200 MB file made kpi validate use 4.4 GB: now it is refused on its size, before reading it."""
    data = tmp_path / "data"
    (data / "metrics").mkdir(parents=True)
    with (data / "metrics" / "huge.csv").open("wb") as stream:
        stream.truncate(200 * 1024 * 1024)  # sparse: costs no disk, and is never read
    before = tree_digest(tmp_path)
    dataset = load_dataset(data, TARGETS)
    assert [problem.format("en") for problem in dataset.problems] == [
        "data/metrics/huge.csv: the file is 200 MB, larger than the limit of 20 MB for a data file; it is not "
        "read. Split it into several files or move old rows to an archive"
    ]
    assert main(["validate", "--data", str(data), "--targets", str(TARGETS), "--lang", "en"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert tree_digest(tmp_path) == before


def test_good_rows_survive_next_to_bad_ones(tmp_path):
    data = tmp_path / "data"
    (data / "metrics").mkdir(parents=True)
    (data / "metrics" / "mixed.csv").write_text(
        "metric,date,value\nnewsletter_subscribers,2026-01-31,7000\nnewsletter_subscribers,2026-02-28,x\n",
        encoding="utf-8",
    )
    dataset = load_dataset(data, TARGETS)
    assert [p.row for p in dataset.problems] == [3]
    assert list(dataset.series["newsletter_subscribers"].values) == [7000.0]


def test_swedish_message(tmp_path):
    dataset = load_dataset(_alone(tmp_path, "non_numeric.csv"), TARGETS)
    assert dataset.problems[0].format("sv") == "data/metrics/non_numeric.csv:2:value: ”sju tusen” är inte ett tal"


YAML_EXPECTED = {
    "missing_value.yaml": 'missing_value.yaml:6:targets.0.value: metric newsletter_subscribers, field "targets.0.value": required, but missing',
    "unknown_direction.yaml": "unknown_direction.yaml:5:direction: metric costs, field \"direction\": Input should be 'increase' or 'decrease'",
    "python_tag.yaml": "python_tag.yaml:3: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed; targets.yaml may only hold text, numbers, dates, lists and mappings",
    "syntax_error.yaml": "syntax_error.yaml:4: targets.yaml cannot be read: did not find expected ',' or '}'",
    "duplicate_id.yaml": 'duplicate_id.yaml:3:id: metric a, field "id": the id is already used by the metric on line 2',
    "misspelled_field.yaml": 'misspelled_field.yaml:5:taget: metric a, field "taget": unknown field (check the spelling; see docs/targets.md)',
    # Hostile or careless YAML: each a line message, quickly, instead of gigabytes, a crash or silence.
    "alias_bomb.yaml": "alias_bomb.yaml:1: YAML anchors and aliases (&name, *name) are not allowed in targets.yaml; write the value out in each place",
    "metrics_twice.yaml": 'metrics_twice.yaml:6:metrics: the key "metrics" is written twice (also on line 1); YAML would silently keep only the last. Remove one of them',
    "min_twice.yaml": 'min_twice.yaml:6:min: the key "min" is written twice (also on line 5); YAML would silently keep only the last. Remove one of them',
    "impossible_date.yaml": 'impossible_date.yaml:6: "2026-13-31" is not a date (YYYY-MM-DD with a real month and day)',
    "nan_target.yaml": 'nan_target.yaml:6: ".nan" is not a number a target can have; write an ordinary number',
    "inf_bound.yaml": 'inf_bound.yaml:5: ".inf" is not a number a target can have; write an ordinary number',
}


@pytest.mark.parametrize("name", sorted(YAML_EXPECTED))
def test_bad_targets_yaml(name):
    with pytest.raises(DataError) as caught:
        load_config(BAD / "yaml" / name)
    assert [p.format("en") for p in caught.value.problems] == [YAML_EXPECTED[name]]


def test_yaml_catalogue_is_complete():
    assert sorted(p.name for p in (BAD / "yaml").glob("*.yaml")) == sorted(YAML_EXPECTED)


def test_deep_nesting_is_refused_without_crashing(tmp_path, capsys):
    """100 000 nested "[" used to crash the process (exit 139) in the YAML composer's recursion."""
    deep = tmp_path / "targets.yaml"
    deep.write_text("metrics: " + "[" * 100_000 + "\n", encoding="utf-8")
    code = main(["validate", "--data", str(FIXTURES / "basic" / "data"), "--targets", str(deep), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "targets.yaml:1: targets.yaml is nested deeper than 64 levels; check the brackets and the indentation" in err


def test_python_tag_is_never_constructed(tmp_path, capsys):
    marker = tmp_path / "hacked"
    evil = tmp_path / "targets.yaml"
    evil.write_text(
        f'metrics:\n  - id: x\n    name: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8"
    )
    code = main(["validate", "--data", str(tmp_path), "--targets", str(evil)])
    assert code == 1 and not marker.exists()
    assert "Traceback" not in capsys.readouterr().err
