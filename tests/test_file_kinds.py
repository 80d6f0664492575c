"""Only regular files are read, and never more than the limit: a FIFO in metrics/ does not hang
loading, a link to /dev/zero does not fill memory; a file mixing UTF-8 and Windows-1252 is named,
not silently turned into "NykÃ¶ping"."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from kpi.model.problems import DataError
from kpi.read import sniff, tables
from kpi.read.load import load_dataset
from tests.support import FIXTURES, TODAY


def load_within(seconds: float, data, targets):
    result: list = []
    worker = threading.Thread(target=lambda: result.append(load_dataset(data, targets, today=TODAY)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "loading hung"
    return result[0]


@pytest.fixture
def basic(tmp_path):
    shutil.copytree(FIXTURES / "basic", tmp_path / "basic")
    return tmp_path / "basic" / "data", tmp_path / "basic" / "targets.yaml"


def test_a_fifo_in_metrics_is_refused_not_waited_for(basic):
    data, targets = basic
    os.mkfifo(data / "metrics" / "pipe.csv")
    dataset = load_within(20, data, targets)
    assert any(p.file.endswith("pipe.csv") and p.code == "privacy.not_regular_file" for p in dataset.problems)


def test_a_link_to_dev_zero_is_refused_before_reading(basic):
    data, targets = basic
    (data / "metrics" / "zero.csv").symlink_to("/dev/zero")
    dataset = load_within(20, data, targets)
    assert any(p.file.endswith("zero.csv") and p.code == "privacy.not_regular_file" for p in dataset.problems)


def test_what_is_read_is_bounded_not_what_stat_says(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"metric;date;value\n" + b"x;2026-01-31;1\n" * 1000)
    with pytest.raises(DataError) as caught:
        sniff.read_regular(path, "big.csv", limit=1000)
    assert caught.value.problems[0].code == "data_too_large"
    assert sniff.read_regular(path, "big.csv", limit=10**6).startswith(b"metric;")
    assert tables.MAX_DATA_BYTES == 20 * 1024 * 1024


def test_a_file_mixing_utf8_and_cp1252_is_named():
    data = "kommun;antal\nNyköping;3\n".encode() + "Flen;2\nVingåker;1\n".encode("cp1252")
    with pytest.raises(DataError) as caught:
        sniff.decode(data, "mixed.csv")
    problem = caught.value.problems[0]
    assert problem.code == "privacy.mixed_encoding"
    assert problem.format("sv").startswith("mixed.csv:4: filen blandar två teckenkodningar: rad 2 är skriven i UTF-8")
    # Whole files in either encoding are still read as before.
    assert sniff.decode("Nyköping;Vingåker\n".encode("cp1252"), "x").encoding == "cp1252"
    assert sniff.decode("Nyköping;Vingåker\n".encode(), "x").encoding == "utf-8"
