"""Row checks before raw, in DuckDB: duplicate keys, then the contract's column rules as SQL.

The rules are generated from `contracts` (one definition: the docs, these checks and the raw Parquet
schema all come from it). A batch holds the rows of many files (`_file` says whose); each failing row
goes back to its file's quarantine with the column, the rule and the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa

from ingestion import scratch_db
from ingestion.contracts import AHEAD, EARLIEST_DATE, Column, Table
from ingestion.parsers.common import Reject


@dataclass(frozen=True)
class Rule:
    column: Column
    words: str  # the rule as the quarantine reason states it
    sql: str  # true when a row breaks it; `?` placeholders take PARAMS
    params: tuple = ()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def rules(table: Table) -> list[Rule]:
    """Each column's rules in the order a row is judged: the first it breaks is the reason given."""
    out = []
    for column in table.columns:
        name = _quoted(column.name)
        if column.required:
            out.append(Rule(column, "is required", f"{name} is null"))
        if column.type == "float":
            out.append(Rule(column, "must be a finite number", f"not isfinite({name})"))
        if column.plausible:
            out.append(
                Rule(
                    column,
                    f"must be from {EARLIEST_DATE} to a year after loading",
                    f"{name} not between ? and ?",
                    (EARLIEST_DATE, date.today() + AHEAD),
                )
            )
        if column.allowed:
            out.append(
                Rule(
                    column,
                    "must be one of " + ", ".join(column.allowed),
                    f"not list_contains(?, {name})",
                    (list(column.allowed),),
                )
            )
        if column.minimum is not None and column.maximum is not None:
            out.append(
                Rule(
                    column,
                    f"must be between {column.minimum:g} and {column.maximum:g}",
                    f"{name} not between ? and ?",
                    (column.minimum, column.maximum),
                )
            )
        elif column.minimum is not None:
            out.append(Rule(column, f"must be at least {column.minimum:g}", f"{name} < ?", (column.minimum,)))
        if column.pattern:
            out.append(
                Rule(column, f"must match {column.pattern}", f"not regexp_matches({name}, ?)", (column.pattern,))
            )
    return out


def _breaking_sql(table: Table) -> tuple[str, list]:
    """`_pos` and the index of the first rule each failing row breaks (NULL compares as not breaking,
    except for `is required`)."""
    cases, params = [], []
    for index, rule in enumerate(rules(table)):
        cases.append(f"when coalesce({rule.sql}, false) then {index}")
        params += rule.params
    if not cases:
        return "select _pos, null::integer as rule from batch where false", []
    return (
        f"select _pos, rule from (select _pos, case {' '.join(cases)} end as rule from batch) where rule is not null",
        params,
    )


def _duplicates(con: duckdb.DuckDBPyConnection, table: Table) -> dict[int, tuple[str, str, bool]]:
    """{_pos: (key, reason, False)}: exact repeats of an earlier row of the same file (the first is kept), and
    all rows that share a key with different values (nobody can tell which is right)."""
    key = ", ".join(_quoted(name) for name in table.key)
    [(any_shared,)] = con.execute(
        f"select exists (select 1 from batch group by _file, {key} having count(*) > 1)"
    ).fetchall()
    if not any_shared:
        return {}
    content = ", ".join(_quoted(name) for name in table.column_names)
    found = {}
    repeats = con.execute(f"""
        select _pos, first_row from (
            select _pos, _source_row,
                   min(_source_row) over (partition by _file, {content}) as first_row,
                   row_number() over (partition by _file, {content} order by _source_row, _pos) as nth
            from batch) where nth > 1""").fetchall()
    for position, first in repeats:
        found[position] = f"duplicate of row {first}"
    _positions(con, "repeated", found)
    clashes = con.execute(f"""
        with distinct_rows as (select * from batch anti join repeated using (_pos))
        select _pos, string_agg(_source_row::varchar, ', ' order by _source_row) over (partition by _file, {key})
        from distinct_rows qualify count(*) over (partition by _file, {key}) > 1""").fetchall()
    for position, rows in clashes:
        found[position] = f"rows {rows} share this key with different values: cannot tell which is right"
    return {position: (", ".join(table.key), reason, False) for position, reason in found.items()}


def _positions(con: duckdb.DuckDBPyConnection, name: str, positions) -> None:
    """Row positions as a table NAME, to join against (a list parameter would be searched per row)."""
    con.register(name, pa.table({"_pos": pa.array(list(positions), pa.int64())}))


def check(table: Table, batch: pa.Table) -> tuple[pa.Table, list[tuple[int, Reject]]]:
    """Split BATCH (the contract's columns, `_source_row` and `_file`) into the rows that keep the
    contract, with the same columns, and (file, reject) pairs for the rest."""
    batch = batch.append_column("_pos", pa.array(range(batch.num_rows), pa.int64()))
    with scratch_db.session(batch=batch) as con:
        failing = _duplicates(con, table)
        sql, params = _breaking_sql(table)
        _positions(con, "duplicated", failing)
        broken = con.execute(f"select * from ({sql}) anti join duplicated using (_pos)", params).fetchall()
        checks = rules(table)
        for position, index in broken:
            rule = checks[index]
            failing[position] = (
                rule.column.name,
                f"{table.source}.{table.name} contract: {rule.column.name} {rule.words}",
                True,
            )
        if not failing:
            return batch.drop_columns("_pos"), []
        _positions(con, "failing", failing)
        rejects = []
        rows = con.execute("select * exclude (_pos), _pos from batch semi join failing using (_pos) order by _pos")
        names = [d[0] for d in rows.description]
        for values in rows.fetchall():
            row = dict(zip(names, values))
            position, file = row.pop("_pos"), row.pop("_file")
            column, reason, shows_value = failing[position]
            if shows_value:
                value = row[column]
                reason = f"{reason}: got {value!r}" if isinstance(value, str) else f"{reason}: got {value}"
            rejects.append((file, Reject(int(row["_source_row"]), column, reason, row)))
        kept = con.sql("select * exclude (_pos) from batch anti join failing using (_pos) order by _pos")
        return kept.to_arrow_table(), rejects
