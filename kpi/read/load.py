"""Load a data folder: every ``metrics/*.csv`` into DuckDB, then the registers, into a Dataset.

Problems in data files do not raise: rows that are fine are loaded and every problem is kept in
``dataset.problems`` (file, row, column) for the dashboard's banner and ``kpi validate``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kpi import clock
from kpi.model.dataset import Dataset, FileInfo, Series
from kpi.model.problems import Problem
from kpi.model.targets import Config
from kpi.read import registers
from kpi.read.tables import (
    RawTable,
    connect,
    file_label,
    forget_file,
    modified_time,
    read_table,
    sql_with,
    unreadable,
)
from kpi.read.targets import load_config

_log = logging.getLogger(__name__)


def metric_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "metrics"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.csv") if not p.name.startswith((".", "~$")))


_OBSERVATIONS_DDL = """
CREATE OR REPLACE TABLE observations_raw (
    metric VARCHAR, date DATE, value DOUBLE, note VARCHAR, source VARCHAR, file VARCHAR, row BIGINT, file_order INTEGER
)
"""


_PER_FILE_TABLES = ("raw_metrics", "parsed", "refused_values")


def load_observations(dataset: Dataset, today: dt.date) -> None:
    """Read every ``metrics/*.csv`` into table ``observations`` (one row per metric and date)."""
    con = dataset.con
    con.execute(_OBSERVATIONS_DDL)
    con.register("metric_meta_frame", _metric_meta_frame(dataset.config))
    con.execute("CREATE OR REPLACE TABLE metric_meta AS SELECT * FROM metric_meta_frame")
    con.unregister("metric_meta_frame")

    for order, path in enumerate(metric_files(dataset.data_dir)):
        label = file_label(path, dataset.data_dir)
        info = FileInfo(label, path, "metrics", modified_time(path))
        dataset.files.append(info)
        before = len(dataset.problems)
        try:
            raw = read_table(con, path, label, "raw_metrics", dataset.problems)
            if raw is None:
                continue
            info.rows, info.encoding, info.delimiter = raw.rows, raw.encoding, raw.delimiter
            _parse_metrics_table(con, raw, order, dataset.problems)
        except Exception as exc:  # noqa: BLE001 - one unforeseen file must not take down every page
            _log.exception("reading %s failed; the other files are loaded", label)
            info.rows = 0
            del dataset.problems[before:]  # what the file said before it failed is not to be trusted
            dataset.problems.append(unreadable(label, exc))
            con.execute("DELETE FROM observations_raw WHERE file_order = ?", [order])
        finally:
            forget_file(con, _PER_FILE_TABLES)

    has_duplicates = _check_observations(con, dataset.problems, today)
    # The later row wins for a repeated metric+date; the window is only paid for when needed, and
    # so is the bounds check when no metric has a min or a max.
    keep = "row_number() OVER (PARTITION BY metric, date ORDER BY file_order DESC, row DESC)" if has_duplicates else "1"
    bounded = any(m.min is not None or m.max is not None for m in dataset.config.metrics)
    con.execute(
        """
        CREATE OR REPLACE TABLE observations AS
        SELECT metric, date, value, note, source, file, row FROM (
            SELECT *, """
        + keep
        + """ AS keep
            FROM observations_raw o
            WHERE metric IN (SELECT id FROM metric_meta WHERE register IS NULL)
    """
        + (
            """
              AND NOT EXISTS (SELECT 1 FROM metric_meta m WHERE m.id = o.metric
                              AND ((m.min IS NOT NULL AND o.value < m.min) OR (m.max IS NOT NULL AND o.value > m.max)))"""
            if bounded
            else ""
        )
        + """
        ) WHERE keep = 1
        ORDER BY metric, date
    """
    )
    _add_sums_of_parts(con, dataset.config)
    dataset.series.update(_series_by_metric(con))


SUM_SOURCE = "parts"


def _add_sums_of_parts(con, config: Config) -> None:
    """A goal with ``parts:`` gets a value on every date one of its parts has one, once every part
    has a value: the sum of each part's latest value up to that date. A value typed for the goal
    itself on a date wins over the sum on that date (the history from before it had parts)."""
    summed = [metric for metric in config.metrics if metric.parts]
    if not summed:
        return
    ids = sorted({part for metric in summed for part in metric.parts or []} | {metric.id for metric in summed})
    frame = con.execute(
        "SELECT metric, date, value FROM observations WHERE list_contains(?, metric) ORDER BY date", [ids]
    ).df()
    rows = []
    for metric in summed:
        own = set(frame.loc[frame["metric"] == metric.id, "date"])
        parts = frame[frame["metric"].isin(metric.parts or [])]
        latest: dict[str, float] = {}
        for day, group in parts.groupby("date", sort=True):
            for record in group.itertuples(index=False):
                latest[str(record.metric)] = float(record.value)
            if len(latest) == len(metric.parts or []) and day not in own:
                rows.append((metric.id, day, sum(latest.values())))
    if not rows:
        return
    sums = pd.DataFrame(rows, columns=["metric", "date", "value"])
    con.register("sums_of_parts", sums)
    try:
        con.execute(
            "INSERT INTO observations SELECT metric, CAST(date AS DATE), value, NULL, ?, '', 0 FROM sums_of_parts",
            [SUM_SOURCE],
        )
        con.execute("CREATE OR REPLACE TABLE observations AS SELECT * FROM observations ORDER BY metric, date")
    finally:
        con.unregister("sums_of_parts")


def _parse_metrics_table(con, raw: RawTable, order: int, problems: list[Problem]) -> None:
    columns = set(raw.columns)
    if {"metric", "value"} <= columns or ("date" in columns and raw.columns[0] != "date"):
        for name in ("metric", "date", "value"):
            if name not in columns:
                problems.append(
                    Problem(
                        raw.label,
                        "missing_column",
                        row=1,
                        column=name,
                        params={"name": name, "found": ", ".join(raw.header)},
                    )
                )
        if not {"metric", "date", "value"} <= columns:
            return
        note = "note" if "note" in columns else "NULL"
        source = "source" if "source" in columns else "NULL"
        con.execute(
            sql_with(
                """
            CREATE OR REPLACE TEMP TABLE parsed AS
            SELECT _row, trim(metric) AS metric, date AS date_text, value AS value_text,
                   kpi_date_fast(date) AS date, {number}(value) AS value,
                   {note} AS note, {source} AS source, 'value' AS value_column
            FROM {table}
        """,
                note=note,
                source=source,
                number=_number_macro(raw),
                table=raw.name,
            )
        )
    elif raw.columns[0] == "date":
        if len(raw.columns) < 2:
            problems.append(
                Problem(
                    raw.label,
                    "missing_column",
                    row=1,
                    column="metric",
                    params={"name": "metric", "found": ", ".join(raw.header)},
                )
            )
            return
        known = set(con.execute("SELECT id FROM metric_meta").df()["id"])
        for name in raw.columns[1:]:
            if name not in known and name not in {"note", "source"}:
                problems.append(
                    Problem(raw.label, "unknown_column", row=1, column=name, severity="warning", params={"name": name})
                )
        con.execute(
            sql_with(
                """
            CREATE OR REPLACE TEMP TABLE parsed AS
            SELECT _row, metric, date AS date_text, value_text, kpi_date_fast(date) AS date,
                   {number}(value_text) AS value, NULL AS note, NULL AS source, metric AS value_column
            FROM (UNPIVOT {table} ON COLUMNS(* EXCLUDE (_row, date)) INTO NAME metric VALUE value_text)
            WHERE metric IN (SELECT id FROM metric_meta) AND trim(value_text) <> ''
        """,
                number=_number_macro(raw),
                table=raw.name,
            )
        )
    else:
        for name in ("metric", "date", "value"):
            if name not in columns:
                problems.append(
                    Problem(
                        raw.label,
                        "missing_column",
                        row=1,
                        column=name,
                        params={"name": name, "found": ", ".join(raw.header)},
                    )
                )
        return

    cell_problems = con.execute("""
        SELECT _row, 'metric' AS col, 'empty_cell' AS code, NULL AS value FROM parsed WHERE metric IS NULL OR metric = ''
        UNION ALL SELECT _row, 'date', CASE WHEN date_text IS NULL OR trim(date_text) = '' THEN 'empty_cell' ELSE 'bad_date' END,
                         date_text FROM parsed WHERE date IS NULL
        UNION ALL SELECT _row, value_column, CASE WHEN value_text IS NULL OR trim(value_text) = '' THEN 'empty_cell' ELSE 'bad_number' END,
                         value_text FROM parsed WHERE value IS NULL
        ORDER BY 1, 2
    """).fetchall()
    for row, column, code, value in cell_problems:
        problems.append(Problem(raw.label, code, row=row, column=column, params={"value": value}))
    refused = _check_values(con, raw.label, problems)
    # The anti-join is only paid for when some value was refused (rare in real files).
    con.execute(
        """
        INSERT INTO observations_raw
        SELECT metric, date, value, note, source, ?, _row, ? FROM parsed
        WHERE metric IS NOT NULL AND metric <> '' AND date IS NOT NULL AND value IS NOT NULL
    """
        + (
            " AND NOT EXISTS (SELECT 1 FROM refused_values r WHERE r._row = parsed._row AND r.col = parsed.value_column)"
            if refused
            else ""
        ),
        [raw.label, order],
    )


def _number_macro(raw: RawTable) -> str:
    """The number reading to try first: the decimal comma in a ';' file, else the plain form."""
    return "kpi_number_comma" if raw.delimiter == ";" else "kpi_number"


_THOUSANDS_TYPO = re.compile(r"-?\d{1,3}([.,]\d{3})+")


def _check_values(con, label: str, problems: list[Problem]) -> int:
    """Values that cannot be what they say: refused with the likely meaning, never judged.

    A count (a metric whose unit is a count) that is not a whole number — "7,200" is read as 7,2
    with a decimal comma, and was likely meant as 7 200 — and any value that is not finite (a
    400-digit number overflows to infinity). The refused cells are in table ``refused_values``.
    """
    con.execute("""
        CREATE OR REPLACE TEMP TABLE refused_values AS
        SELECT p._row, p.value_column AS col, p.metric, trim(p.value_text) AS text, p.value, m.unit
        FROM parsed p LEFT JOIN metric_meta m ON m.id = p.metric
        WHERE p.value IS NOT NULL AND (NOT isfinite(p.value) OR (coalesce(m.count, false) AND p.value <> round(p.value)))
    """)
    rows = con.execute("SELECT * FROM refused_values ORDER BY 1, 2").fetchall()
    for row, column, metric, text, value, unit in rows:
        if not math.isfinite(value):
            problems.append(Problem(label, "number_not_finite", row=row, column=column, params={"value": text}))
            continue
        read = _plain(value).replace(".", ",")
        params = {"value": text, "read": read, "metric": metric, "unit": unit}
        if _THOUSANDS_TYPO.fullmatch(text):
            digits = re.sub(r"[.,]", "", text)
            params["meant"] = f"{int(digits):,}".replace(",", " ")
            problems.append(Problem(label, "count_not_whole_thousands", row=row, column=column, params=params))
        else:
            problems.append(Problem(label, "count_not_whole", row=row, column=column, params=params))
    return len(rows)


def _check_observations(con, problems: list[Problem], today: dt.date) -> bool:
    """Problems that need all files at once: unknown ids, bounds, duplicates, future dates.

    Returns whether any metric+date repeats, so the caller only deduplicates when it must.
    """
    for metric, file, row in con.execute("""
        SELECT metric, file, row FROM observations_raw WHERE metric NOT IN (SELECT id FROM metric_meta) ORDER BY file_order, row, metric
    """).fetchall():
        problems.append(
            Problem(file, "unknown_metric", row=row, column="metric", severity="warning", params={"value": metric})
        )
    for metric, register, file, row in con.execute("""
        SELECT o.metric, m.register, o.file, o.row FROM observations_raw o JOIN metric_meta m ON m.id = o.metric
        WHERE m.register IS NOT NULL ORDER BY file_order, row, o.metric
    """).fetchall():
        problems.append(
            Problem(
                file,
                "register_metric",
                row=row,
                column="metric",
                severity="warning",
                params={"value": metric, "register": register},
            )
        )
    for metric, value, low, high, file, row in con.execute("""
        SELECT o.metric, o.value, m.min, m.max, o.file, o.row FROM observations_raw o JOIN metric_meta m ON m.id = o.metric
        WHERE (m.min IS NOT NULL AND o.value < m.min) OR (m.max IS NOT NULL AND o.value > m.max)
        ORDER BY file_order, row, o.metric
    """).fetchall():
        below = low is not None and value < low
        problems.append(
            Problem(
                file,
                "below_min" if below else "above_max",
                row=row,
                column="value",
                params={"value": _plain(value), "limit": _plain(low if below else high), "metric": metric},
            )
        )
    repeated = con.execute(
        "SELECT count(*) FROM (SELECT metric, date FROM observations_raw GROUP BY metric, date HAVING count(*) > 1)"
    ).fetchall()[0][0]
    for metric, date, file, row, other in (
        []
        if not repeated
        else con.execute("""
        SELECT metric, date, file, row, first_file || ':' || first_row FROM (
            SELECT *, first_value(file) OVER w AS first_file, first_value(row) OVER w AS first_row,
                   row_number() OVER w AS n
            FROM observations_raw WINDOW w AS (PARTITION BY metric, date ORDER BY file_order, row)
        ) WHERE n > 1 ORDER BY file, row, metric
    """).fetchall()
    ):
        problems.append(
            Problem(
                file,
                "duplicate_observation",
                row=row,
                column="date",
                severity="warning",
                params={"metric": metric, "date": _iso(date), "other": other},
            )
        )
    for date, file, row in con.execute(
        "SELECT date, file, row FROM observations_raw WHERE date > ? ORDER BY file_order, row, metric", [today]
    ).fetchall():
        problems.append(
            Problem(
                file,
                "future_date",
                row=row,
                column="date",
                severity="warning",
                params={"value": date.isoformat(), "today": today.isoformat()},
            )
        )
    return bool(repeated)


def _iso(date: dt.date | str) -> str:
    """A date as YYYY-MM-DD; DuckDB hands year 0 (which Python's dates cannot hold) over as text."""
    return date.isoformat() if isinstance(date, dt.date) else str(date)


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _series_by_metric(con) -> dict[str, Series]:
    """Per-metric numpy arrays, fetched as numbers only (strings are slow to move out of DuckDB)."""
    groups = con.execute("SELECT metric, count(*) FROM observations GROUP BY metric ORDER BY metric").fetchall()
    if not groups:
        return {}
    arrays = con.execute(
        "SELECT (date - DATE '1970-01-01')::INTEGER AS day, value FROM observations ORDER BY metric, date"
    ).fetchnumpy()
    days = np.asarray(arrays["day"]).astype("int64").astype("datetime64[D]")
    values = np.asarray(arrays["value"], dtype="float64")
    result, start = {}, 0
    for metric, count in groups:
        result[metric] = Series(days[start : start + count], values[start : start + count])
        start += count
    return result


def load_dataset(data_dir: Path, targets: Path, today: dt.date | None = None) -> Dataset:
    """Load targets.yaml (raising :class:`DataError` if it is unusable) and every data file.

    Problems in data files do not raise: the rows that are fine are loaded, and every problem is
    in ``dataset.problems`` for the UI's banner and ``kpi validate``.
    """
    config = load_config(targets)
    today = today or clock.today()
    dataset = Dataset(config=config, data_dir=Path(data_dir), con=connect(), today=today)
    if not dataset.data_dir.is_dir():
        dataset.problems.append(Problem(str(data_dir), "data_dir_missing", params={"path": str(data_dir)}))
        dataset.con.execute(_OBSERVATIONS_DDL)
        dataset.con.execute(
            "CREATE OR REPLACE TABLE observations AS SELECT * EXCLUDE (file_order) FROM observations_raw"
        )
        return dataset
    load_observations(dataset, today)
    registers.load_registers(dataset)
    _check_baselines(dataset)
    return dataset


def _check_baselines(dataset: Dataset) -> None:
    """Warn when a metric's configured baseline is not what its data gives on the baseline date.

    The baseline is the yardstick of every pace: if the register (counted on every day) or an
    observation dated on the baseline day says otherwise, the data was edited after the fact or
    the baseline is a typo, and ``validate`` should say so. Equal up to the metric's decimals.
    """
    for metric in dataset.config.metrics:
        series = dataset.series.get(metric.id)
        if metric.baseline is None or series is None or metric.kind_of.done_or_not or metric.aggregation != "latest":
            continue
        when = np.datetime64(metric.baseline.date)
        index = int(np.searchsorted(series.dates, when, side="right")) - 1
        if index < 0 or (metric.source is None and series.dates[index] != when):
            continue
        computed = float(series.values[index])
        decimals = metric.decimals if metric.decimals is not None else (0 if metric.whole_units else 1)
        if abs(computed - metric.baseline.value) <= 0.5 * 10**-decimals + 1e-9:
            continue
        dataset.problems.append(
            Problem(
                "targets.yaml",
                "baseline_differs",
                column="baseline",
                severity="warning",
                params={
                    "metric": metric.id,
                    "configured": _plain(metric.baseline.value),
                    "date": metric.baseline.date.isoformat(),
                    "computed": _plain(round(computed, decimals)),
                },
            )
        )


def data_fingerprint(data_dir: Path, targets: Path) -> tuple[tuple[str, int | None, int | None], ...]:
    """File names, sizes and modification times: a cache key that changes whenever a file does."""
    paths = [targets] + (
        sorted(p for p in Path(data_dir).rglob("*.csv") if ".history" not in p.parts) if Path(data_dir).is_dir() else []
    )
    entries: list[tuple[str, int | None, int | None]] = []
    for path in paths:
        try:
            stat = path.stat()
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            entries.append((str(path), None, None))
    return tuple(entries)


# --- one metrics table on its own (uploads and saves, see kpi/imports.py) -----------------------


def _metric_meta_frame(config: Config) -> pd.DataFrame:
    """Each metric's id, bounds and register, as a table the checks join against.

    Explicit dtypes: with ``metrics: []`` pandas would guess a numeric ``id`` column and the
    checks' ``metric IN (SELECT id ...)`` would fail on types.
    """
    return pd.DataFrame(
        {
            "id": pd.Series([m.id for m in config.metrics], dtype="string"),
            "min": pd.Series([m.min for m in config.metrics], dtype="float64"),
            "max": pd.Series([m.max for m in config.metrics], dtype="float64"),
            "register": pd.Series(
                [m.source.register_name if m.source else None for m in config.metrics], dtype="string"
            ),
            "count": pd.Series([m.whole_units for m in config.metrics], dtype="bool"),
            "unit": pd.Series([m.unit for m in config.metrics], dtype="string"),
        }
    )


def check_metrics_table(
    con: duckdb.DuckDBPyConnection, raw: RawTable, config: Config, today: dt.date, problems: list[Problem]
) -> pd.DataFrame:
    """Validate one metrics table already in ``con`` exactly as :func:`load_dataset` validates a file.

    An upload must be judged by the same rules, with the same messages, as the file it will
    become; this runs the loader's own checks on that one table. Use a fresh connection from
    :func:`connect` (the loader's tables are replaced). Returns the observations the table holds,
    one row per metric and date in the file's order: ``metric, date, value, note, source, row``.
    Checks that need every file at once (a date that is also in another file) are not made here.
    """
    con.execute(_OBSERVATIONS_DDL)
    con.register("metric_meta_frame", _metric_meta_frame(config))
    try:
        con.execute("CREATE OR REPLACE TABLE metric_meta AS SELECT * FROM metric_meta_frame")
    finally:
        con.unregister("metric_meta_frame")
    _parse_metrics_table(con, raw, 0, problems)
    _check_observations(con, problems, today)
    return con.execute("SELECT metric, date, value, note, source, row FROM observations_raw ORDER BY row, rowid").df()


def read_metrics_file(
    con: duckdb.DuckDBPyConnection,
    source: Path | bytes,
    label: str,
    config: Config,
    today: dt.date,
    problems: list[Problem],
    max_rows: int | None = None,
) -> pd.DataFrame | None:
    """Read and validate one metrics file (a path or an upload's bytes) on its own.

    Returns its observations as :func:`check_metrics_table` does, or ``None`` when the file cannot
    be read as a table at all (the reason is in ``problems``).
    """
    raw = read_table(con, source, label, "raw_metrics", problems, max_rows=max_rows)
    if raw is None:
        return None
    return check_metrics_table(con, raw, config, today, problems)
