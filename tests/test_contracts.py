"""The documented contracts are the enforced ones: the docs are generated from the code, and every
documented required column is one whose absence rejects the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import REPO, sli

from ingestion.contracts import TABLES, render_markdown
from ingestion.errors import InputError
from ingestion.loader import PARSERS

CSV_FORMATS = [(table.source, fmt) for table in TABLES.values() for fmt in table.formats
               if ".csv" in fmt.extensions and "rows" not in fmt.columns]


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
    # Polls need one of Percent / Proportion as well, ONS downloads one of Value / Observation.
    extra = ["Percent"] if source == "polls" else ["Value"] if fmt.name.startswith("ONS") else []
    name = "data_metricType-1.csv"
    PARSERS[source](_header_only(tmp_path / name, [*fmt.columns, *extra]))  # all there: accepted
    for missing in fmt.columns:
        with pytest.raises(InputError, match=f"{name}.*missing column.*{re.escape(missing)}"):
            PARSERS[source](_header_only(tmp_path / name, [c for c in fmt.columns if c != missing] + extra))


def _rules(expectations: list[dict]) -> list[tuple]:
    return sorted((e["type"], json.dumps({k: v for k, v in e["kwargs"].items() if v is not None}, sort_keys=True),
                   e.get("severity", "critical")) for e in expectations)


def test_input_suites_in_the_gx_context_are_generated_from_the_contracts():
    from ingestion.gx import expectations_for, input_suite_name

    for table in TABLES.values():
        name = input_suite_name(table)
        stored = json.loads((REPO / "expectations" / "gx" / "expectations" / f"{name}.json").read_text())
        generated = [e.configuration.to_json_dict() for e in expectations_for(table)]
        assert _rules(stored["expectations"]) == _rules(generated), f"{name}: run `sli contracts --sync-gx`"
        checkpoint = json.loads((REPO / "expectations" / "gx" / "checkpoints" / f"{name}.json").read_text())
        assert checkpoint["result_format"] == {"result_format": "COMPLETE"}  # names every failing row
