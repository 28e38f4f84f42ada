"""One Public Estate: programme and partnership outputs, and funding awards per partnership."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from core.errors import InputError
from ingestion import aliases
from ingestion.parsers.common import Parsed, Reject, Sheet, normalise_header, parse_date, parse_number, read_sheet
from ingestion.sources.ope import OPE_AWARDS, OPE_OUTPUTS

# A funding column of the programme's own table: `2016/17 Funding`, `2016-17 funding (£)`.
_FUNDING_YEAR = re.compile(r"^((?:19|20)\d{2})[/-](\d{2})\s+funding\b")
PROGRAMME_FUND = "One Public Estate"


def parse(path: Path) -> Parsed:
    awards, funding_table = OPE_AWARDS.formats
    table = read_sheet(path, [*OPE_OUTPUTS.formats, awards, funding_table])
    if table.format is funding_table:
        return _funding_table(path, table)
    if table.format is awards:
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


def _funding_table(path: Path, table: Sheet) -> Parsed:
    """The programme's table: a row per partnership, a column per year; each filled cell an award."""
    years = {
        position: f"{found.group(1)}/{found.group(2)}"
        for position, name in enumerate(table.header)
        if (found := _FUNDING_YEAR.match(name))
    }
    if not years:
        # Most likely the awards table with a column missing: say which, as for any other layout.
        awards = OPE_AWARDS.formats[0]
        missing = [name for name in awards.columns if normalise_header(name) not in table.header]
        raise InputError(
            path.name,
            f"missing column(s): {', '.join(missing)} (the awards table), and no yearly funding column"
            " (`2016/17 Funding`) for the programme's funding table",
            row=len(table.title_rows) + 1,
        )
    records, rejects = [], []
    for number, row in table.body:
        raw = table.record(row)
        for position, year in years.items():
            text = str(row[position]).strip() if position < len(row) else ""
            try:
                award, status = parse_number(text)
            except ValueError as exc:
                rejects.append(Reject(number, table.header_as_given[position], str(exc), raw))
                continue
            if status == "missing":  # no award that year
                continue
            records.append(
                {
                    "partnership_name": raw["partnership"],
                    "funding_round": year,
                    "fund": PROGRAMME_FUND,
                    "award_gbp": award,
                    "value_status": status,
                    "_source_row": number,
                }
            )
    frame = pd.DataFrame.from_records(records, columns=OPE_AWARDS.column_names + ["_source_row"])
    # A blank cell is no award, so rows read are the filled cells: each an award or a quarantined cell.
    return Parsed({"awards": frame}, rejects, rows_read=len(records) + len(rejects))


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
