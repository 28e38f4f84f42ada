"""The documented contracts are the enforced ones: the docs are generated from the code, and every
documented required column is one whose absence rejects the file."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from conftest import REPO, sli
from core.errors import InputError
from ingestion import contract_checks
from ingestion.contracts import render_markdown
from ingestion.sources import TABLES, declared

CSV_FORMATS = [
    (table.source, fmt)
    for table in TABLES.values()
    for fmt in table.formats
    if ".csv" in fmt.extensions and "rows" not in fmt.columns
]


def test_docs_are_the_contracts_in_the_code(tmp_path):
    documented = (REPO / "docs" / "contracts.md").read_text(encoding="utf-8")
    assert documented == render_markdown(), "regenerate with: sli contracts > docs/contracts.md"
    assert sli(tmp_path, "contracts").stdout == documented


def test_every_raw_column_is_documented_with_its_rule():
    documented = (REPO / "docs" / "contracts.md").read_text(encoding="utf-8")
    for (source, name), table in TABLES.items():
        section = documented.split(f"### {source}.{name}\n", 1)[1].split("\n### ", 1)[0]
        rows = [line.split("|")[1].strip().strip("`") for line in section.splitlines() if line.startswith("| `")]
        assert rows == table.column_names


def _header_only(path: Path, columns: list[str]) -> Path:
    path.write_text(",".join(columns) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("source", "fmt"), CSV_FORMATS, ids=[f"{s}:{f.name}" for s, f in CSV_FORMATS])
def test_each_documented_required_column_is_enforced(tmp_path, source, fmt):
    # Polls need one of Percent / Proportion as well (a tracking table a round's column), ONS downloads one
    # of Value / Observation, the OPE funding table a yearly column.
    extra = (
        ["Round 1"]
        if fmt.name.startswith("Tracking table")
        else ["Percent"]
        if source == "polls"
        else ["Value"]
        if fmt.name.startswith("ONS")
        else ["2016/17 Funding"]
        if "funding column per financial year" in fmt.name
        else []
    )
    name = "data_metricType-1_2019_edition.csv"  # a metric (LG Inform's downloads), an edition (the map's)
    declared()[source].parse(_header_only(tmp_path / name, [*fmt.columns, *extra]))  # all there: accepted
    for missing in fmt.columns:
        with pytest.raises(InputError, match=f"{name}.*missing column.*{re.escape(missing)}"):
            declared()[source].parse(_header_only(tmp_path / name, [c for c in fmt.columns if c != missing] + extra))


# A row that keeps each table's contract; each rule is then broken in turn.
VALID_ROWS = {
    ("lginform", "values"): {
        "area_code": "E06000001",
        "area_label": "Hartlepool",
        "area_status": "current",
        "metric_id": "S9001",
        "period_id": "fin_2019_20",
        "period_label": "2019/20",
        "period_start": date(2019, 4, 1),
        "period_end": date(2020, 3, 31),
        "value": 1.0,
        "value_formatted": "1",
        "value_status": "ok",
        "source_format": "api_csv",
    },
    ("polls", "answers"): {
        "round_number": 1,
        "fieldwork_start": date(2024, 6, 1),
        "fieldwork_end": date(2024, 6, 3),
        "base_n": 1000,
        "question_code": "Q",
        "answer_option": "Yes",
        "percent": 50.0,
        "value_status": "ok",
    },
    ("ope", "outputs"): {
        "measure": "jobs_created",
        "value": 10.0,
        "value_status": "ok",
        "unit": "jobs",
        "basis": "achieved",
        "scope": "programme",
        "as_of_date": date(2019, 3, 31),
    },
}


def _breaking(rule: contract_checks.Rule):
    column = rule.column
    if rule.words == "is required":
        return None
    if column.allowed:
        return "not-a-listed-value"
    if column.pattern:
        return "!!"
    if rule.words == "must be a finite number":
        return float("inf")
    if column.plausible:
        return date(1999, 12, 31)
    beyond = (column.maximum + 1) if column.maximum is not None else column.minimum - 1
    return float(beyond) if column.type == "float" else int(beyond)


@pytest.mark.parametrize("key", list(VALID_ROWS), ids=[".".join(key) for key in VALID_ROWS])
def test_each_contract_rule_is_enforced_in_sql_naming_the_rule_and_the_value(key):
    table = TABLES[key]
    checks = contract_checks.rules(table)
    constrained = {
        c.name
        for c in table.columns
        if c.required or c.allowed or c.pattern or c.minimum is not None or c.plausible or c.type == "float"
    }
    assert {rule.column.name for rule in checks} == constrained
    rows = [{**VALID_ROWS[key], "_source_row": 2}]
    for number, rule in enumerate(checks, start=3):
        rows.append({**VALID_ROWS[key], rule.column.name: _breaking(rule), "_source_row": number})
    batch = table.to_arrow(pa.Table.from_pylist(rows))
    # A file each: rows of one file sharing a key would be quarantined as conflicting duplicates.
    batch = batch.append_column("_file", pa.array(range(len(rows)), pa.int32()))
    kept, rejects = contract_checks.check(table, batch)
    assert kept["_source_row"].to_pylist() == [2]
    assert len(rejects) == len(checks)
    for (file, reject), rule, row in zip(rejects, checks, rows[1:]):
        value = row[rule.column.name]
        assert (file, reject.row, reject.column) == (row["_source_row"] - 2, row["_source_row"], rule.column.name)
        shown = repr(value) if isinstance(value, str) else str(value)
        assert reject.reason == f"{table.source}.{table.name} contract: {rule.column.name} {rule.words}: got {shown}"
