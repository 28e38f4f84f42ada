"""Shared Services Map editions: one workbook (or CSV file) per edition, title rows above the table."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from core.errors import InputError
from ingestion.contracts import GSS_ANY
from ingestion.council_lookup import register
from ingestion.parsers.common import Parsed, Reject, parse_date, parse_number, read_sheet, title_values
from ingestion.sources.shared_services import SHARED_SERVICES_PARTNERSHIPS

_EDITION = re.compile(r"\bedition\b\D{0,5}((?:19|20)\d{2})|((?:19|20)\d{2})\D{0,5}\bedition\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"[;\n|]")
SAVINGS = "savings to date (£)"
TOTAL = "Total savings to date"
PUBLISHED = ("Published", "Publication date", "Date published")


def _edition_year(path: Path, title_rows: list[list[str]]) -> int:
    for text in [" ".join(row) for row in title_rows] + [path.stem.replace("_", " ")]:
        match = _EDITION.search(text)
        if match:
            return int(match.group(1) or match.group(2))
    raise InputError(
        path.name,
        "edition year not found in the title rows (e.g. 'Shared Services Map, 2019 edition') or the file name",
        row=1,
    )


def resolve_councils(text: str, on: date) -> tuple[list[str], list[str]]:
    """(codes, unresolved entries with the reason) for a `Councils involved` cell of names or codes."""
    councils = register()
    codes, unresolved = [], []
    for entry in (part.strip() for part in _SEPARATORS.split(text)):
        if not entry:
            continue
        if re.match(GSS_ANY, entry):
            if entry in councils.by_code:
                codes.append(entry)
            else:
                unresolved.append(f"{entry} (code not in the council register)")
            continue
        code, why = councils.resolve(entry, on)
        if code:
            codes.append(code)
        else:
            unresolved.append(f"{entry} ({why})")
    return codes, unresolved


def parse(path: Path) -> Parsed:
    table = read_sheet(path, SHARED_SERVICES_PARTNERSHIPS.formats[0])
    edition = _edition_year(path, table.title_rows)
    titles = title_values(table.title_rows + [[note] for note in table.notes], [TOTAL, *PUBLISHED])
    stated = titles.get(TOTAL.lower())
    try:
        stated_total = parse_number(stated)[0] if stated else None
    except ValueError as exc:
        raise InputError(path.name, f"cannot read the stated total ({exc})", column=TOTAL) from exc
    published_text = next((titles[name.lower()] for name in PUBLISHED if name.lower() in titles), None)
    try:
        published_on = parse_date(published_text) if published_text else None
    except ValueError as exc:
        raise InputError(path.name, f"cannot read the publication date ({exc})", column="Published") from exc
    records, rejects, warnings = [], [], []
    for number, raw in table.records:
        named = raw["councils involved"]
        codes, unresolved = resolve_councils(named, date(edition, 4, 1))
        if not codes and not unresolved:
            rejects.append(Reject(number, "Councils involved", "no councils given", raw))
            continue
        try:
            savings, status = parse_number(raw[SAVINGS])
        except ValueError as exc:
            rejects.append(Reject(number, "Savings to date (£)", str(exc), raw))
            continue
        if unresolved:
            warnings.append(f"row {number}: council(s) not resolved, kept as unresolved: {'; '.join(unresolved)}")
        records.append(
            {
                "edition_year": edition,
                "partnership_name": raw["partnership name"],
                "description": raw.get("description") or None,
                "councils_named": named,
                "council_codes": ";".join(codes) or None,
                "unresolved_councils": "; ".join(unresolved) or None,
                "other_public_bodies": raw.get("other public bodies") or None,
                "region_name": raw.get("region") or None,
                "service_category": raw.get("service category") or None,
                "status": raw.get("status") or None,
                "savings_gbp": savings,
                "savings_status": "not_reported" if status == "missing" else status,
                "savings_basis": (raw.get("savings basis") or "").lower() or None,
                "stated_total_savings_gbp": stated_total,
                "published_on": published_on,
                "_source_row": number,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=SHARED_SERVICES_PARTNERSHIPS.column_names + ["_source_row"])
    return Parsed({"partnerships": frame}, rejects, rows_read=len(table.records), warnings=warnings)
