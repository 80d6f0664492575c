"""User text from the data files is text on every page, for every viewer: every register's free-text
columns (members' names, activity titles and notes, milestone evidence, …), a board pack's author
and comments. ``st.table`` renders Markdown in its cells, so cells count as Markdown too."""

from __future__ import annotations

import csv
import io

import pytest

from kpi.model.registers import REGISTERS
from kpi.read.load import load_dataset
from kpi.read.sniff import decode, detect_delimiter
from kpi.write import packs, store
from tests.e2e_server import PAGE_PATHS
from tests.support import TODAY, d
from tests.test_markdown_names import HOSTILE, MARKDOWN_KINDS, acted_on


def hostile_registers(data) -> list[str]:
    """Every free-text cell of every register made hostile (numbered, so keys stay unique)."""
    changed = []
    for register in REGISTERS.values():
        path = data / register.file
        if not path.is_file() or not register.free_text_columns:
            continue
        raw = path.read_bytes()
        decoded = decode(raw, path.name)
        delimiter = detect_delimiter(decoded.text)
        rows = list(csv.DictReader(io.StringIO(decoded.text, newline=""), delimiter=delimiter))
        for number, row in enumerate(rows):
            for column in register.free_text_columns:
                if column in row:
                    row[column] = f"{column} {number} {HOSTILE}"
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        encoding = "cp1252" if decoded.encoding == "cp1252" else "utf-8"
        path.write_bytes(
            ("\ufeff" if decoded.encoding == "utf-8-sig" else "").encode() + buffer.getvalue().encode(encoding)
        )
        changed.append(register.file)
    return changed


def cells(at) -> list[str]:
    found = []
    for table in at.table:
        frame = table.value
        found += [str(value) for value in frame.to_numpy().ravel().tolist()] + [str(c) for c in frame.columns]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("unlocked_as", [None, "Anna"], ids=["anonymous", "administrator"])
def test_no_page_renders_user_text_as_markdown(unlocked_as, copy_fixture, use_data, run_page):
    data, targets = copy_fixture("registers")
    assert hostile_registers(data)
    dataset = load_dataset(data, targets, today=TODAY)
    packs.save_pack(dataset, d("2026-06-30"), {dataset.config.metrics[0].id: f"kommentar {HOSTILE}"}, author=HOSTILE)
    entry = store.LogEntry("2026-06-01T10:00:00", HOSTILE, "activities.csv", "save", 1, 0, 0, "", "", HOSTILE, "", "x1")
    store.append_changelog(data, entry)  # the change log's editor and comment, for roles that see it
    use_data(data, targets)
    found, seen = [], False
    for name in PAGE_PATHS:
        params = {"as_of": "2026-11-23"}
        if name == "metric":
            params["metric"] = dataset.config.metrics[0].id
        at = run_page(name, unlocked_as=unlocked_as, **params)
        assert not at.exception, (name, at.exception)
        values = [(kind, str(e.value)) for kind in MARKDOWN_KINDS for e in getattr(at, kind)]
        values += [("expander", str(box.label)) for box in at.expander]
        values += [("table", cell) for cell in cells(at)]
        for kind, value in values:
            seen = seen or "bold" in value
            if "bold" in value and acted_on(value):
                found.append((name, kind, value[:160]))
    assert not found, "\n".join(repr(item) for item in found)
    assert seen or unlocked_as is None
