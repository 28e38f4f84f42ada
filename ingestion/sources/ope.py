"""One Public Estate programme outputs: measure, value, unit, basis, scope and as-of date."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingestion.sources.common import Parsed, Reject, parse_date, parse_number, read_table

COLUMNS = ["Measure", "Value", "Unit", "Basis", "Scope", "As of date"]
BASES = {"target", "expected", "achieved"}


def parse(path: Path) -> Parsed:
    _, table = read_table(path, COLUMNS)
    records, rejects = [], []
    for number, raw in table:
        basis = raw["Basis"].lower()
        if basis not in BASES:
            rejects.append(Reject(number, "Basis", f"basis must be one of {sorted(BASES)}, got {raw['Basis']!r}", raw))
            continue
        column = "Value"
        try:
            value, status = parse_number(raw["Value"])
            column = "As of date"
            as_of = parse_date(raw["As of date"])
        except (ValueError, TypeError) as exc:
            rejects.append(Reject(number, column, f"cannot read {raw[column]!r}: {exc}", raw))
            continue
        records.append(
            {
                "measure": raw["Measure"],
                "value": value,
                "value_status": status,
                "unit": raw["Unit"],
                "basis": basis,
                "scope": raw["Scope"].lower(),
                "as_of_date": as_of,
                "_source_row": number,
            }
        )
    return Parsed({"outputs": pd.DataFrame.from_records(records)}, rejects, rows_read=len(table))
