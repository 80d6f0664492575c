"""The register measures: one named computation per (register, measure), written once in DuckDB SQL with
parameters (docs/registers.md gives each exact definition), and the series and rows behind each goal
computed from a register.

A register that dates its rows gets the generic measures ``count`` and ``sum_<column>`` from its
definition in kpi.model.registers, with no SQL of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi.model.dataset import Dataset, Series
from kpi.model.problems import Problem
from kpi.model.registers import REGISTERS, Register
from kpi.model.targets import Config, Metric
from kpi.model.values import is_missing
from kpi.read.vocab import (
    CODES,
    FLAG_COLUMNS,
    FLAG_VALID_DAYS,
    MEETING_TYPES,
    WINDOW_DAYS,
    municipalities,
    normalise_code,
    normalise_kommun,
    package_id,
    project_id,
    yes_no,
)

# --- measures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A named computation over one register (see docs/registers.md for each exact definition).

    ``series_sql`` gives ``(day, value)`` rows; ``rows_sql`` the register rows behind the value on
    ``$as_of`` (events from ``$start``). ``{filter}`` is replaced by a predicate built from
    whitelisted column names and ``$w…`` parameters, ``{flag}`` by a whitelisted flag column.
    """

    register: str
    name: str
    kind: str  # level | events | share | per_meeting
    series_sql: str
    rows_sql: str
    stepwise: bool = True
    needs_flag: bool = False
    # The register's dated facts after today (an agreement's end date) are applied on their own
    # dates; other measures stop at today (a login window running out next spring has not).
    dated_facts: bool = False
    default_where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # A measure over dated facts (logins, survey answers) has no value before the first of them:
    # the register did not exist then, so a share of 0 % there would be invented history. The SQL
    # gives that first date (with the goal's filter); the series starts on it.
    first_fact_sql: str | None = None


MEASURES: dict[tuple[str, str], Measure] = {
    (m.register, m.name): m
    for m in (
        Measure(
            "members",
            "active_count",
            "level",
            """
        WITH m AS (SELECT * FROM members WHERE {filter})
        SELECT day, sum(sum(delta)) OVER (ORDER BY day) FROM (
            SELECT joined AS day, 1 AS delta FROM m
            UNION ALL SELECT "left", -1 FROM m WHERE "left" IS NOT NULL)
        GROUP BY day ORDER BY day""",
            """
        SELECT * FROM members WHERE {filter} AND kpi_member_on(joined, "left", $as_of)
        ORDER BY name COLLATE sv, member_id""",
        ),
        Measure(
            "members",
            "joined_count",
            "events",
            """
        SELECT joined, count(*) FROM members WHERE {filter} GROUP BY joined ORDER BY joined""",
            """
        SELECT * FROM members WHERE {filter} AND joined BETWEEN $start AND $as_of ORDER BY joined, name COLLATE sv""",
        ),
        Measure(
            "members",
            "left_count",
            "events",
            """
        SELECT "left", count(*) FROM members WHERE {filter} AND "left" IS NOT NULL GROUP BY "left" ORDER BY 1""",
            """
        SELECT * FROM members WHERE {filter} AND "left" BETWEEN $start AND $as_of ORDER BY "left", name COLLATE sv""",
        ),
        Measure(
            "members",
            "active_share_pct",
            "share",
            f"""
        WITH m AS (SELECT * FROM members WHERE {{filter}}),
        days AS (SELECT joined AS day FROM m UNION SELECT "left" FROM m WHERE "left" IS NOT NULL
                 UNION SELECT {{flag}}_date FROM m WHERE {{flag}}_date IS NOT NULL
                 UNION SELECT {{flag}}_date + {FLAG_VALID_DAYS + 1} FROM m WHERE {{flag}}_date IS NOT NULL)
        SELECT day, 100.0 * count(*) FILTER (WHERE kpi_flag_on({{flag}}_yes, {{flag}}_date, day)) / count(*), count(*)
        FROM days JOIN m ON kpi_member_on(m.joined, m."left", day)
        GROUP BY day ORDER BY day""",
            """
        SELECT *, kpi_flag_on({flag}_yes, {flag}_date, $as_of) AS counted FROM members
        WHERE {filter} AND kpi_member_on(joined, "left", $as_of) ORDER BY counted DESC, name COLLATE sv, member_id""",
            needs_flag=True,
        ),
        Measure(
            "logins",
            "active_share_pct",
            "share",
            """
        WITH m AS (SELECT * FROM members), l AS (SELECT * FROM logins WHERE {filter}),
        days AS (SELECT joined AS day FROM m UNION SELECT "left" FROM m WHERE "left" IS NOT NULL
                 UNION SELECT date FROM l UNION SELECT date + $window FROM l)
        SELECT day, 100.0 * count(DISTINCT m.member_id) FILTER (WHERE l.member_id IS NOT NULL)
                    / count(DISTINCT m.member_id), count(DISTINCT m.member_id)
        FROM days JOIN m ON kpi_member_on(m.joined, m."left", day)
        LEFT JOIN l ON l.member_id = m.member_id AND l.date > day - $window AND l.date <= day
        GROUP BY day ORDER BY day""",
            """
        SELECT * FROM (
            SELECT m.member_id, m.name, m.category, m.kommun, m.joined, m."left", max(l.date) AS last_login,
                   max(l.date) IS NOT NULL AS counted, m._row
            FROM members m LEFT JOIN (SELECT * FROM logins WHERE {filter}) l
                 ON l.member_id = m.member_id AND l.date > $as_of - $window AND l.date <= $as_of
            WHERE kpi_member_on(m.joined, m."left", $as_of) GROUP BY ALL)
        ORDER BY counted DESC, name COLLATE sv, member_id""",
            first_fact_sql="SELECT min(date) FROM logins WHERE {filter}",
        ),
        Measure(
            "surveys",
            "yes_share_pct",
            "share",
            """
        WITH m AS (SELECT * FROM members), s AS (SELECT * FROM surveys WHERE {filter}),
        days AS (SELECT joined AS day FROM m UNION SELECT "left" FROM m WHERE "left" IS NOT NULL
                 UNION SELECT date FROM s UNION SELECT date + $window FROM s),
        latest AS (
            SELECT day, m.member_id, arg_max(s.answer, s.date) AS answer
            FROM days JOIN m ON kpi_member_on(m.joined, m."left", day)
            LEFT JOIN s ON s.member_id = m.member_id AND s.date > day - $window AND s.date <= day
            GROUP BY day, m.member_id)
        SELECT day, 100.0 * count(*) FILTER (WHERE answer = 'yes') / count(*), count(*) FROM latest
        GROUP BY day ORDER BY day""",
            """
        SELECT * FROM (
            SELECT m.member_id, m.name, m.category, m.kommun, m.joined, m."left",
                   arg_max(s.answer, s.date) AS answer, max(s.date) AS answered,
                   coalesce(arg_max(s.answer, s.date) = 'yes', false) AS counted, m._row
            FROM members m LEFT JOIN (SELECT * FROM surveys WHERE {filter}) s
                 ON s.member_id = m.member_id AND s.date > $as_of - $window AND s.date <= $as_of
            WHERE kpi_member_on(m.joined, m."left", $as_of) GROUP BY ALL)
        ORDER BY counted DESC, name COLLATE sv, member_id""",
            first_fact_sql="SELECT min(date) FROM surveys WHERE {filter}",
        ),
        Measure(
            "agreements",
            "active_count",
            "level",
            """
        WITH a AS (SELECT * FROM agreements WHERE {filter} AND status IN ('active', 'ended') AND signed IS NOT NULL),
        days AS (SELECT signed AS day FROM a UNION SELECT ends + 1 FROM a WHERE ends IS NOT NULL)
        SELECT day, count(DISTINCT a.kommun) FILTER (WHERE kpi_agreement_on(a.status, a.signed, a.ends, day))
        FROM days CROSS JOIN a GROUP BY day ORDER BY day""",
            """
        SELECT * FROM agreements WHERE {filter} AND kpi_agreement_on(status, signed, ends, $as_of)
        ORDER BY kommun COLLATE sv, signed""",
            dated_facts=True,
        ),
        Measure(
            "activities",
            "count",
            "events",
            """
        SELECT date, count(*) FROM activities WHERE {filter} GROUP BY date ORDER BY date""",
            """
        SELECT * FROM activities WHERE {filter} AND date BETWEEN $start AND $as_of ORDER BY date, title""",
            default_where=(("planned", ("no",)),),
        ),
        Measure(
            "activities",
            "attendance_pct",
            "per_meeting",
            """
        WITH counted AS (
            SELECT a.date, a.members_present,
                   (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date)) AS members
            FROM activities a WHERE {filter} AND a.planned = 'no' AND a.members_present IS NOT NULL)
        SELECT date, 100.0 * sum(members_present) / sum(members) FROM counted WHERE members > 0
        GROUP BY date ORDER BY date""",
            """
        SELECT * FROM (
            SELECT a.*, (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date)) AS members
            FROM activities a WHERE {filter} AND a.planned = 'no' AND a.members_present IS NOT NULL
              AND a.date <= $as_of)
        WHERE members > 0 ORDER BY date DESC, title""",
            stepwise=False,
            default_where=(("type", MEETING_TYPES),),
        ),
        Measure(
            "activities",
            "year_attendance_pct",
            "per_meeting",
            """
        WITH counted AS (
            SELECT a.date, a.members_present,
                   (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date)) AS members
            FROM activities a WHERE {filter} AND a.planned = 'no' AND a.members_present IS NOT NULL),
        per_day AS (SELECT date, sum(members_present) AS present, sum(members) AS members FROM counted
                    WHERE members > 0 GROUP BY date)
        SELECT date, 100.0 * sum(present) OVER w / sum(members) OVER w FROM per_day
        WINDOW w AS (PARTITION BY year(date) ORDER BY date) ORDER BY date""",
            """
        WITH held AS (
            SELECT a.*, (SELECT count(*) FROM members m WHERE kpi_member_on(m.joined, m."left", a.date)) AS members
            FROM activities a WHERE {filter} AND a.planned = 'no' AND a.members_present IS NOT NULL
              AND a.date <= $as_of)
        SELECT * FROM held WHERE members > 0 AND year(date) = (SELECT max(year(date)) FROM held WHERE members > 0)
        ORDER BY date DESC, title""",
            stepwise=False,
            default_where=(("type", MEETING_TYPES),),
        ),
        Measure(
            "milestones",
            "done_share_pct",
            "share",
            """
        WITH ms AS (SELECT * FROM milestones WHERE {filter}),
        days AS (SELECT done AS day FROM ms WHERE done IS NOT NULL
                 UNION SELECT CAST($start AS DATE) WHERE $start IS NOT NULL)
        SELECT day, 100.0 * count(*) FILTER (WHERE ms.done <= day) / count(*), count(*)
        FROM days CROSS JOIN ms GROUP BY day ORDER BY day""",
            """
        SELECT *, kpi_milestone_state(done, due, $as_of) AS status FROM milestones WHERE {filter}
        ORDER BY list_position(['overdue', 'open', 'done'], kpi_milestone_state(done, due, $as_of)), due, milestone""",
        ),
    )
}


def _generic_measures(register: Register) -> list[Measure]:
    """``count`` and ``sum_<column>`` for a register that dates its rows (``date_column``): events
    counted by that date, so a new register needs no SQL of its own. Identifiers come from the
    register's definition (kpi.model.registers), never from a file or targets.yaml."""
    date = register.date_column
    if date is None:
        return []
    table, day = register.name, f'"{date}"'
    rows = "SELECT * FROM " + table + " WHERE {filter} AND " + day + " BETWEEN $start AND $as_of ORDER BY " + day
    found = [
        Measure(
            table,
            "count",
            "events",
            "SELECT " + day + ", count(*) FROM " + table + " WHERE {filter} GROUP BY 1 ORDER BY 1",
            rows,
        )
    ]
    for column in register.columns:
        if column.kind == "count":
            cell = f'"{column.name}"'
            found.append(
                Measure(
                    table,
                    "sum_" + column.name,
                    "events",
                    "SELECT "
                    + day
                    + ", sum("
                    + cell
                    + ") FROM "
                    + table
                    + " WHERE {filter} AND "
                    + cell
                    + " IS NOT NULL GROUP BY 1 ORDER BY 1",
                    rows,
                )
            )
    return found


for _register in REGISTERS.values():
    for _measure in _generic_measures(_register):
        MEASURES.setdefault((_measure.register, _measure.name), _measure)

# Which aggregation a measure's values are meant for (a mismatch is reported as a warning).
_AGGREGATION_FOR = {"level": "latest", "share": "latest", "per_meeting": "latest", "events": "year_to_date"}


_ATTENDANCE = {("activities", "attendance_pct"), ("activities", "year_attendance_pct")}


def needs_members(register: str, measure: str) -> bool:
    """Measures over another register whose denominator is the member list."""
    return register in ("logins", "surveys") or (register, measure) in _ATTENDANCE


def has_register(dataset: Dataset, name: str) -> bool:
    """Whether the register's file was found and read with its required columns (some rows may
    still have had problems): only then are its numbers computed and its listings shown."""
    return bool(
        _run(dataset.con.cursor(), "SELECT count(*) FROM register_columns WHERE register = $r", {"r": name}).fetchall()[
            0
        ][0]
    )


# --- metrics from registers -------------------------------------------------------------------------


def metric_source_problems(metric: Metric, config: Config | None = None) -> list[Problem]:
    """What is wrong with a metric's ``source:`` (unknown register, measure, where column or value;
    with ``config``, a milestone project that is not among its projects)."""
    source = metric.source
    if source is None:
        return []
    problems: list[Problem] = []

    def add(code: str, field: str, **params: Any) -> None:
        problems.append(Problem("targets.yaml", code, column=f"source.{field}", params={"metric": metric.id, **params}))

    register = REGISTERS.get(source.register_name)
    if register is None:
        add("register_unknown_register", "register", value=source.register_name, known=", ".join(REGISTERS))
        return problems
    measure = MEASURES.get((register.name, source.measure))
    if measure is None:
        known = ", ".join(name for reg, name in MEASURES if reg == register.name)
        add("register_unknown_measure", "measure", value=source.measure, register=register.name, known=known)
        return problems
    for column, values in source.where.items():
        if column not in register.filters:
            add(
                "register_unknown_where",
                "where",
                value=column,
                register=register.name,
                known=", ".join(register.filters),
            )
            continue
        for value in [values] if isinstance(values, str) else values:
            if where_value(register, column, value) is None:
                add(
                    "register_bad_where_value",
                    f"where.{column}",
                    value=value,
                    column=column,
                    allowed=_allowed_text(register, column),
                )
            elif (
                (register.name, column) == ("milestones", "project")
                and config is not None
                and config.projects
                and project_id({p.id: p for p in config.projects}, value) is None
            ):
                add(
                    "register_bad_where_value",
                    "where.project",
                    value=value,
                    column=column,
                    allowed=", ".join(p.id for p in config.projects),
                )
    if register.name == "surveys" and "question" not in source.where:
        add("register_question_needed", "where", register=register.name)
    if measure.needs_flag and source.flag not in FLAG_COLUMNS:
        add("register_flag_needed", "flag", value=source.flag or "", known=", ".join(FLAG_COLUMNS))
    wanted = _AGGREGATION_FOR[measure.kind]
    if metric.kind_of.has_targets and metric.aggregation != wanted:
        problems.append(
            Problem(
                "targets.yaml",
                "register_aggregation",
                column="aggregation",
                severity="warning",
                params={"metric": metric.id, "measure": f"{register.name}.{measure.name}", "aggregation": wanted},
            )
        )
    return problems


def where_value(register: Register, column: str, value: str) -> str | None:
    kind = register.column(column).kind
    if kind == "code":
        return normalise_code(column, value)
    if kind == "kommun":
        code = normalise_kommun(value)
        return municipalities()[code] if code else None
    if kind == "yesno":
        return yes_no(value)
    return value.strip()


def _allowed_text(register: Register, column: str) -> str:
    kind = register.column(column).kind
    if kind == "code":
        return ", ".join(CODES[column])
    if kind == "yesno":
        return "yes, no"
    return "—"


def _where(metric: Metric, measure: Measure, dataset: Dataset | None = None) -> dict[str, list[str]]:
    """The metric's ``where`` with values normalised to codes; a measure's default applies if unset."""
    register = REGISTERS[measure.register]
    where: dict[str, list[str]] = {column: list(values) for column, values in measure.default_where}
    for column, values in metric.register_source.where.items():
        values = [values] if isinstance(values, str) else values
        # metric_source_problems has refused unknown values before any query is built
        where[column] = [where_value(register, column, value) or value for value in values]
    if measure.register == "milestones" and dataset is not None and dataset.config.projects:
        # Milestone rows were normalised to project and package ids; so are the filter values.
        projects = {project.id: project for project in dataset.config.projects}
        if "project" in where:
            where["project"] = [project_id(projects, value) or value for value in where["project"]]
        if "package" in where:
            packages = {package.id: package for project in dataset.config.projects for package in project.packages}
            where["package"] = [package_id(packages, value) or value for value in where["package"]]
    return where


def _filter(where: dict[str, list[str]], alias: str = "") -> tuple[str, dict[str, Any]]:
    """A SQL predicate over whitelisted columns; the values travel as parameters ``$w0``, ``$w1`` …"""
    parts, params = ["TRUE"], {}
    for index, (column, values) in enumerate(sorted(where.items())):
        if not re.fullmatch(r"[a-z_]+", column):  # already checked against the register's filters
            raise ValueError(column)
        parts.append(f'list_contains($w{index}, {alias}"{column}")')
        params[f"w{index}"] = [str(value) for value in values]
    return " AND ".join(parts), params


def _run(con, sql: str, params: dict[str, Any]):
    """Execute with only the named parameters the statement uses (DuckDB refuses extra ones)."""
    used = set(re.findall(r"\$(\w+)", sql))
    return con.execute(sql, {name: value for name, value in params.items() if name in used})


def _measure_sql(template: str, where: dict[str, list[str]], flag: str | None, attendance: bool) -> tuple[str, dict]:
    predicate, params = _filter(where, "a." if attendance else "")
    return template.replace("{filter}", predicate).replace("{flag}", flag or "uses_member_pages"), params


def metric_series(dataset: Dataset, metric: Metric, problems: list[Problem] | None = None) -> Series | None:
    """The series of a register-based metric, or ``None`` (with problems) when it cannot be computed."""
    found = metric_source_problems(metric, dataset.config)
    if problems is not None:
        problems.extend(found)
    if any(problem.severity == "error" for problem in found):
        return None
    source = metric.register_source
    measure = MEASURES[(source.register_name, source.measure)]
    if not has_register(dataset, measure.register) or (
        needs_members(measure.register, measure.name) and not has_register(dataset, "members")
    ):
        return None
    if measure.needs_flag and not has_column(dataset, "members", source.flag):
        if problems is not None:
            label = next(info.label for info in dataset.files if info.kind == "members")
            problems.append(
                Problem(
                    label,
                    "register_flag_column_missing",
                    row=1,
                    column=source.flag,
                    params={"metric": metric.id, "name": source.flag},
                )
            )
        return None
    where = _where(metric, measure, dataset)
    sql, params = _measure_sql(measure.series_sql, where, source.flag, measure.kind == "per_meeting")
    params["start"] = _series_start(dataset, metric)
    params["window"] = source.window_days or WINDOW_DAYS
    # Values up to today only: a series is what has happened (a flag expiring next spring has not);
    # a measure's dated facts (an agreement ending) count on their own dates.
    first = _first_fact(dataset, measure, where)
    rows = [
        row
        for row in _run(dataset.con.cursor(), sql, params).fetchall()
        if (measure.dated_facts or row[0] <= dataset.today) and (first is None or row[0] >= first)
    ]
    dates = np.array([row[0] for row in rows], dtype="datetime64[D]")
    values = np.array([float(row[1]) for row in rows], dtype="float64")
    # A share of members (or milestones) moves in steps of one row of its denominator: 1 of 160
    # members is 0.625 %. The rule judges the expected share in those whole steps.
    steps = np.array([100.0 / row[2] for row in rows], dtype="float64") if measure.kind == "share" else None
    if metric.kind_of.done_or_not and measure.kind == "share":
        values = (values >= 100.0 - 1e-9).astype("float64")  # the goal is done when every row is done
        steps = None
    return Series(dates, values, stepwise=measure.stepwise, known_until=dataset.today, steps=steps)


def _first_fact(dataset: Dataset, measure: Measure, where: dict[str, list[str]]) -> dt.date | None:
    """The first dated fact a measure counts (a login, an answer), or None for a measure whose
    series is known from the register's first row; a register without any such fact yet: the
    day after today (no value at all)."""
    if measure.first_fact_sql is None:
        return None
    sql, params = _measure_sql(measure.first_fact_sql, where, None, False)
    first = _run(dataset.con.cursor(), sql, params).fetchall()[0][0]
    return first if first is not None else dataset.today + dt.timedelta(days=1)


def has_column(dataset: Dataset, register: str, column: str | None) -> bool:
    """Whether an optional column was in the register's file (an absent flag column is not "no")."""
    return bool(
        _run(
            dataset.con.cursor(),
            'SELECT count(*) FROM register_columns WHERE register = $r AND "column" = $c',
            {"r": register, "c": column},
        ).fetchall()[0][0]
    )


def _series_start(dataset: Dataset, metric: Metric) -> dt.date | None:
    """Where a share of milestones starts at 0 %: the metric's baseline, else its project's start."""
    if metric.baseline is not None:
        return metric.baseline.date
    project_ids = metric.source.where.get("project") if metric.source else None
    project_id = metric.project or (
        project_ids
        if isinstance(project_ids, str)
        else project_ids[0]
        if project_ids and len(project_ids) == 1
        else None
    )
    for project in dataset.config.projects:
        if project.id == project_id:
            return project.start
    return None


def rows_behind(dataset: Dataset, metric_id: str, as_of: dt.date) -> pd.DataFrame:
    """The register rows behind a register-based metric's value at ``as_of``: "which ones?".

    Levels list the rows counted on ``as_of`` (members, agreements in force); event counts with
    ``aggregation: year_to_date`` the events from 1 January to ``as_of``; shares list every row of
    the denominator with ``counted`` (members) or ``status`` (milestones); attendance lists the
    meetings up to ``as_of``, newest first (the first row is the value shown).
    """
    metric = dataset.config.metric(metric_id)
    if metric.source is None or any(p.severity == "error" for p in metric_source_problems(metric)):
        return pd.DataFrame()
    measure = MEASURES[(metric.source.register_name, metric.source.measure)]
    where = _where(metric, measure, dataset)
    sql, params = _measure_sql(measure.rows_sql, where, metric.source.flag, measure.kind == "per_meeting")
    # The rows behind the value: counted on the day the value is (min(T, today); a measure with
    # dated facts, such as agreements ending, on T itself).
    params["as_of"] = as_of if measure.dated_facts else min(as_of, dataset.today)
    params["window"] = metric.source.window_days or WINDOW_DAYS
    if measure.kind == "events":
        if metric.aggregation == "year_to_date":
            params["start"] = dt.date(as_of.year, 1, 1)
        else:
            series = dataset.series.get(metric_id, Series.empty())
            cut = int(np.searchsorted(series.dates, np.datetime64(as_of), side="right"))
            params["start"] = series.dates[cut - 1].astype(dt.date) if cut else as_of
    if measure.needs_flag and not has_column(dataset, "members", metric.source.flag):
        return pd.DataFrame()
    frame = _run(dataset.con.cursor(), sql, params).df()
    if measure.kind == "per_meeting" and len(frame):
        frame["attendance_pct"] = 100.0 * frame["members_present"] / frame["members"]
    return tidy(frame)


# --- register rows as frames (the listings for the pages and reports are in kpi.show.listings) --------

_HIDDEN = {
    "uses_member_pages_yes",
    "uses_member_pages_date",
    "increased_profitability_yes",
    "increased_profitability_date",
    "kommunkod_given",
}


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ``datetime.date`` (``None`` when empty), ``_row`` as ``row``, helper columns dropped."""
    frame = frame.drop(columns=[c for c in frame.columns if c in _HIDDEN]).rename(columns={"_row": "row"})
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = pd.Series(
                [None if pd.isna(v) else v.date() for v in frame[column]], index=frame.index, dtype="object"
            )
        elif pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            # Text as plain Python strings with None for empty cells (pandas 3 would use NaN).
            values = frame[column].astype(object)
            frame[column] = pd.Series([None if is_missing(v) else v for v in values], index=frame.index, dtype="object")
    for column in ("members", "members_present", "participants", "row", "milestones", "done", "overdue", "open"):
        if column in frame.columns and pd.api.types.is_float_dtype(frame[column]) and not frame[column].isna().any():
            frame[column] = frame[column].astype("int64")
    return frame.reset_index(drop=True)


def query(dataset: Dataset, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    return tidy(_run(dataset.con.cursor(), sql, params or {}).df())
