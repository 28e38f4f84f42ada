"""Shared Services Map editions: one .xlsx workbook per edition, title rows above the table."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ingestion.errors import InputError
from ingestion.sources.common import Parsed, Reject, parse_number, read_table

COLUMNS = [
    "Partnership name", "Description", "Councils involved", "Other public bodies", "Region",
    "Service category", "Status", "Savings to date (£)", "Savings basis",
]
_EDITION = re.compile(r"\bedition\b\D{0,5}((?:19|20)\d{2})|((?:19|20)\d{2})\D{0,5}\bedition\b", re.IGNORECASE)
_CODE = re.compile(r"^E\d{8}$")


def _edition_year(path: Path, title_rows: list[list[str]]) -> int:
    for text in [" ".join(row) for row in title_rows] + [path.stem.replace("_", " ")]:
        match = _EDITION.search(text)
        if match:
            return int(match.group(1) or match.group(2))
    raise InputError(path.name, "edition year not found in the title rows (e.g. 'Shared Services Map, 2019 edition')", row=1)


def parse(path: Path) -> Parsed:
    if path.suffix.lower() != ".xlsx":
        raise InputError(path.name, "a Shared Services Map edition must be an .xlsx workbook")
    title_rows, table = read_table(path, COLUMNS)
    edition = _edition_year(path, title_rows)
    records, rejects = [], []
    for number, raw in table:
        if not raw["Partnership name"]:
            rejects.append(Reject(number, "Partnership name", "partnership name is required", raw))
            continue
        codes = [code.strip() for code in raw["Councils involved"].split(";") if code.strip()]
        bad = [code for code in codes if not _CODE.match(code)]
        if not codes or bad:
            rejects.append(Reject(number, "Councils involved", f"not ONS council codes: {bad or 'none given'}", raw))
            continue
        try:
            savings, status = parse_number(raw["Savings to date (£)"])
        except ValueError as exc:
            rejects.append(Reject(number, "Savings to date (£)", str(exc), raw))
            continue
        records.append(
            {
                "edition_year": edition,
                "partnership_name": raw["Partnership name"],
                "description": raw["Description"],
                "council_codes": ";".join(codes),
                "other_public_bodies": raw["Other public bodies"] or None,
                "region_name": raw["Region"],
                "service_category": raw["Service category"],
                "status": raw["Status"],
                "savings_gbp": savings,
                "savings_status": "not_reported" if status == "missing" else status,
                "savings_basis": raw["Savings basis"].lower() or None,
                "_source_row": number,
            }
        )
    return Parsed({"partnerships": pd.DataFrame.from_records(records)}, rejects, rows_read=len(table))
