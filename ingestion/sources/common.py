"""What every parser shares: the parse result, header detection, text and number cleaning."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ingestion.errors import InputError

# Markers publishers use for missing or suppressed cells; each becomes NULL with a status.
SUPPRESSION_MARKERS = {
    "": "missing",
    "..": "missing",
    "-": "missing",
    "n/a": "missing",
    "na": "missing",
    "*": "suppressed",
    "x": "suppressed",
    "[x]": "suppressed",
    "[c]": "suppressed",
}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "bn": 1e9}


@dataclass
class Reject:
    row: int
    column: str
    reason: str
    raw: dict


@dataclass
class Parsed:
    """Typed tables keyed by raw table name; every frame carries ``_source_row``."""

    tables: dict[str, pd.DataFrame]
    rejects: list[Reject] = field(default_factory=list)
    rows_read: int = 0


def parse_number(text: object) -> tuple[float | None, str]:
    """Parse a published number: thousands separators, £, %, 1.2m; markers become NULL + status."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None, "missing"
    if isinstance(text, (int, float)):
        return float(text), "ok"
    cleaned = str(text).strip()
    marker = SUPPRESSION_MARKERS.get(cleaned.lower())
    if marker:
        return None, marker
    cleaned = cleaned.replace(",", "").replace("£", "").replace("%", "").strip().lower()
    multiplier = 1.0
    for suffix, factor in _MULTIPLIERS.items():
        if cleaned.endswith(suffix) and _NUMBER.match(cleaned[: -len(suffix)].strip()):
            cleaned, multiplier = cleaned[: -len(suffix)].strip(), factor
            break
    if not _NUMBER.match(cleaned):
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned) * multiplier, "ok"


_DATE_FORMATS = ("%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S")


def parse_date(text: object) -> date:
    """ISO dates (the sample) and UK day-first dates (publications); never month-first."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    cleaned = str(text).strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date (expected YYYY-MM-DD or DD/MM/YYYY): {text!r}")


def read_text(path: Path) -> str:
    """UTF-8 (with or without BOM) first; Windows-1252 is what Excel on Windows saves."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(read_text(path))))


def read_xlsx_rows(path: Path, sheet: str | int = 0) -> list[list[str]]:
    try:
        frame = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="calamine")
    except Exception as exc:  # calamine raises its own types for corrupt workbooks
        raise InputError(path.name, f"cannot read as an .xlsx workbook ({exc})") from exc
    return [["" if pd.isna(cell) else str(cell) for cell in row] for row in frame.itertuples(index=False)]


def normalise_header(cell: str) -> str:
    return re.sub(r"\s+", " ", str(cell)).strip().lower()


def find_table(path: Path, rows: list[list[str]], required: list[str]) -> tuple[int, dict[str, int]]:
    """Locate the header row (title rows may sit above it) and map required columns to positions."""
    wanted = [normalise_header(name) for name in required]
    best_missing: list[str] = required
    for index, row in enumerate(rows[:50]):
        header = [normalise_header(cell) for cell in row]
        missing = [name for name, key in zip(required, wanted) if key not in header]
        if not missing:
            return index, {name: header.index(key) for name, key in zip(required, wanted)}
        if len(missing) < len(best_missing):
            best_missing = missing
    raise InputError(path.name, f"header row not found; missing column(s): {', '.join(best_missing)}", row=1)


def _cell(row: list[str], position: int) -> str:
    return row[position].strip() if position < len(row) else ""


def read_table(path: Path, columns: list[str]) -> tuple[list[list[str]], list[tuple[int, dict[str, str]]]]:
    """Read a CSV or .xlsx table: (the title rows above its header, [(file row number, {column: text})]).

    Blank rows are skipped; row numbers are 1-based, as a spreadsheet shows them.
    """
    rows = read_xlsx_rows(path) if path.suffix.lower() == ".xlsx" else read_csv_rows(path)
    header, positions = find_table(path, rows, columns)
    records = [
        (number, {name: _cell(row, positions[name]) for name in columns})
        for number, row in enumerate(rows[header + 1 :], start=header + 2)
        if any(str(value).strip() for value in row)
    ]
    return rows[:header], records
