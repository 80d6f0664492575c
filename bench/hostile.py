"""Hostile inputs (issue 14): how long each takes to be refused, and the process's peak memory.

Each input is built in a temporary folder and handled in a fresh Python process, through the path
an attacker or a careless save would take: an upload's preview (the Data page and ``kpi import``),
the loader (every page and ``kpi validate``), or ``targets.yaml``. ``baseline`` is the same process
doing nothing but importing, so the memory an input costs is its peak minus that. Figures are
measured, never asserted (``tests/test_bench.py`` only checks that this runs).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import _peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "basic"
TODAY = dt.date(2026, 11, 23)
ROW = b"social_followers;2026-06-30;10500\n"


def _alias_bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines + ["metrics: *i", ""])


def _formula_workbook(rows: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Blad1")
    sheet.append(["metric", "date", "value"])
    for index in range(rows):
        sheet.append(["social_followers", "2026-06-30", f"=C{index + 1}+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# name: (kind, what it is). kind: "upload" (bytes previewed into metrics/communication.csv),
# "data" (a file in data/metrics/ loaded by the loader), "targets" (a targets.yaml).
INPUTS = {
    "baseline": ("none", "imports only: the floor every row below includes"),
    "cr_only_header": ("data", "CSV with lone CR line endings (old Mac), in data/metrics/"),
    "empty_columns_10k": ("upload", "upload: header with 10 000 empty columns"),
    "empty_columns_1M": ("upload", "upload: header with 10^6 empty columns"),
    "long_cell_4MB": ("upload", "upload: one cell of 4 MB"),
    "xlsx_200k_formula_cells": ("upload", "upload: .xlsx with 200 000 formula cells"),
    "data_file_200MB": ("data", "a 200 MB file in data/metrics/ (kpi validate)"),
    "yaml_alias_bomb": ("targets", "targets.yaml: billion-laughs alias bomb (9^9)"),
    "yaml_nested_100k": ("targets", "targets.yaml: 100 000 nested ["),
    "yaml_duplicate_metrics": ("targets", "targets.yaml: metrics: twice"),
}


def build(name: str, folder: Path) -> Path:
    """Write the input into ``folder``; returns the data folder, upload or targets file."""
    data = folder / "data"
    shutil.copytree(FIXTURE / "data", data)
    if name == "cr_only_header":
        (data / "metrics" / "mac.csv").write_bytes(b"metric;date;value\r" + ROW.replace(b"\n", b"\r") * 1000)
        return data
    if name == "data_file_200MB":
        with (data / "metrics" / "huge.csv").open("wb") as stream:
            stream.write(b"metric;date;value\n")
            for _ in range(200):
                stream.write(ROW * (1024 * 1024 // len(ROW)))
        return data
    upload = folder / "upload"
    if name == "empty_columns_10k":
        upload.write_bytes(b"metric;date;value" + b";" * 10_000 + b"\n" + ROW)
    elif name == "empty_columns_1M":
        upload.write_bytes(b"metric;date;value" + b";" * 1_000_000 + b"\n" + ROW)
    elif name == "long_cell_4MB":
        upload.write_bytes(b"metric;date;value;note\nsocial_followers;2026-06-30;1;" + b"x" * 4_000_000 + b"\n")
    elif name == "xlsx_200k_formula_cells":
        upload.write_bytes(_formula_workbook(50_000))
    elif name == "yaml_alias_bomb":
        upload.write_text(_alias_bomb(), encoding="utf-8")
    elif name == "yaml_nested_100k":
        upload.write_text("metrics: " + "[" * 100_000 + "\n", encoding="utf-8")
    elif name == "yaml_duplicate_metrics":
        text = (FIXTURE / "targets.yaml").read_text(encoding="utf-8")
        upload.write_text(text + "\n" + text[text.index("metrics:") :], encoding="utf-8")
    else:
        upload.write_bytes(b"")
    return upload


def worker(name: str, path: str) -> dict:
    """Handle one input in this (fresh) process: seconds, peak RSS, the first message."""
    from kpi.model.problems import DataError
    from kpi.read.load import load_dataset
    from kpi.read.targets import load_config
    from kpi.write import files as write_files
    from kpi.write import imports

    kind = INPUTS[name][0]
    target = Path(path)
    start = time.perf_counter()
    problems: list = []
    if kind == "upload":
        config = load_config(FIXTURE / "targets.yaml")
        data = target.parent / "data"
        preview = imports.preview_upload(
            data,
            config,
            write_files.parse_data_file("metrics/communication.csv"),
            target.read_bytes(),
            target.name,
            today=TODAY,
        )
        problems = preview.problems
    elif kind == "data":
        problems = load_dataset(target, FIXTURE / "targets.yaml", today=TODAY).problems
    elif kind == "targets":
        try:
            load_config(target)
        except DataError as exc:
            problems = exc.problems
    seconds = time.perf_counter() - start
    first = problems[0].format("en") if problems else "-"
    return {
        "seconds": seconds,
        "rss_mb": _peak_rss_mb(),
        "problems": len(problems),
        "message": first[:110],
    }


def measure(out: Path | None = None) -> dict:
    results = {}
    for name in INPUTS:
        with tempfile.TemporaryDirectory() as temp:
            path = build(name, Path(temp))
            command = [sys.executable, "-m", "bench.hostile", "--worker", name, str(path)]
            started = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
            wall = time.perf_counter() - started
        if done.returncode != 0:
            results[name] = {"error": f"exit {done.returncode}: " + (done.stderr.strip().splitlines() or ["?"])[-1]}
        else:
            results[name] = {**json.loads(done.stdout.strip().splitlines()[-1]), "process_seconds": wall}
    if out is not None:
        (out / "hostile.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


def render(results: dict | None) -> str:
    if not results:
        return ""
    base = results.get("baseline", {}).get("rss_mb", 0.0)
    lines = [
        "### 8. Hostile input (refused: time to refuse, peak memory of a fresh process)",
        "",
        "| input | refused in | peak RSS (above imports) | problems | first message |",
        "|---|---|---|---|---|",
    ]
    for name, row in results.items():
        if "error" in row:
            lines.append(f"| {name} | error | | | {row['error']} |")
            continue
        extra = f"{row['rss_mb']:.0f} MB (+{row['rss_mb'] - base:.0f})"
        message = row["message"].replace("|", "\\|")
        lines.append(f"| {INPUTS[name][1]} | {row['seconds']:.2f} s | {extra} | {row['problems']} | {message} |")
    return "\n".join(lines + [""])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        print(json.dumps(worker(argv[1], argv[2])))
        return 0
    print(render(measure()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
