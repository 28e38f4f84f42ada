"""One Public Estate: programme and partnership outputs, and funding awards per partnership."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingestion import aliases
from ingestion.contracts import OPE_AWARDS, OPE_OUTPUTS
from ingestion.sources.common import Parsed, Reject, Sheet, parse_date, parse_number, read_sheet


def parse(path: Path) -> Parsed:
    table = read_sheet(path, [*OPE_OUTPUTS.formats, *OPE_AWARDS.formats])
    if table.format in OPE_AWARDS.formats:
        return _awards(table)
    return _outputs(table)


def _outputs(table: Sheet) -> Parsed:
    records, rejects = [], []
    for number, raw in table.records:
        measure = aliases.resolve("ope_output", raw["measure"])
        if measure is None:
            reason = (
                f"unknown measure {raw['measure']!r}: not one of {aliases.known('ope_output')}"
                " (add the name the publisher uses to the measure_aliases seed)"
            )
            rejects.append(Reject(number, "Measure", reason, raw))
            continue
        column = "Value"
        try:
            value, status = parse_number(raw["value"])
            column = "As of date"
            as_of = parse_date(raw["as of date"])
        except (ValueError, TypeError) as exc:
            rejects.append(Reject(number, column, f"cannot read {raw[column.lower()]!r}: {exc}", raw))
            continue
        records.append(
            {
                "measure": measure,
                "value": value,
                "value_status": status,
                "unit": raw["unit"],
                "basis": raw["basis"].lower(),
                "scope": raw["scope"].lower(),
                "partnership_name": raw.get("partnership") or None,
                "as_of_date": as_of,
                "_source_row": number,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=OPE_OUTPUTS.column_names + ["_source_row"])
    return Parsed({"outputs": frame}, rejects, rows_read=len(table.records))


def _awards(table: Sheet) -> Parsed:
    records, rejects = [], []
    for number, raw in table.records:
        try:
            award, status = parse_number(raw["award (£)"])
        except ValueError as exc:
            rejects.append(Reject(number, "Award (£)", str(exc), raw))
            continue
        records.append(
            {
                "partnership_name": raw["partnership"],
                "funding_round": raw["round"],
                "fund": raw["fund"],
                "award_gbp": award,
                "value_status": status,
                "_source_row": number,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=OPE_AWARDS.column_names + ["_source_row"])
    return Parsed({"awards": frame}, rejects, rows_read=len(table.records))
