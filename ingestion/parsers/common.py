"""What every parser shares: the parse result, header detection, text and number cleaning."""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from itertools import islice, zip_longest
from pathlib import Path

import pandas as pd
import pyarrow as pa

from core.errors import InputError
from core.text import without_invisible
from ingestion.contracts import FileFormat
from ingestion.limits import ENV, limits
from ingestion.parsers.workbooks import read_xlsx_sheets

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
# Commas only as UK thousands separators, in groups of three: `3,5`, `1.234,5` or `1,2,3,4` could be a
# decimal comma or a typo, and are refused as ambiguous rather than read as 35, 1.2345 or 1234.
_GROUPED = r"\d{1,3}(,\d{3})+"
NUMBER_WITH_COMMAS = rf"[+-]?(({_GROUPED}|\d+)(\.\d*)?|\.\d+)([eE][+-]?\d+)?"  # what Arrow reads without parse_number
_NUMBER_WITH_COMMAS = re.compile(rf"^{NUMBER_WITH_COMMAS}$")
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

    tables: dict[str, pd.DataFrame | pa.Table]
    rejects: list[Reject] = field(default_factory=list)
    rows_read: int = 0
    warnings: list[str] = field(default_factory=list)  # kept rows worth a look, e.g. unresolved council names


def parse_number(text: object) -> tuple[float | None, str]:
    """Parse a published number: thousands separators, £, %, 1.2m; markers become NULL + status."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None, "missing"
    if isinstance(text, bool):  # JSON true/false is not a figure
        raise ValueError(f"not a number: {text!r}")
    if isinstance(text, (int, float)):
        return _finite(float(_in_range(text)), text), "ok"
    cleaned = str(text).strip()
    marker = SUPPRESSION_MARKERS.get(cleaned.lower())
    if marker:
        return None, marker
    cleaned = cleaned.replace("£", "").replace("%", "").strip().lower()
    multiplier = 1.0
    for suffix, factor in _MULTIPLIERS.items():
        if cleaned.endswith(suffix) and _NUMBER_WITH_COMMAS.match(cleaned[: -len(suffix)].strip()):
            cleaned, multiplier = cleaned[: -len(suffix)].strip(), factor
            break
    if not _NUMBER_WITH_COMMAS.match(cleaned):
        if "," in cleaned and _NUMBER.match(re.sub(r"(k|m|bn)$", "", cleaned).strip().replace(",", "")):
            raise ValueError(
                f"ambiguous number: {text!r} (a decimal comma, or commas not in groups of three?);"
                " write it with a decimal point, e.g. 3.5 or 1234.5"
            )
        raise ValueError(f"not a number: {text!r}")
    return _finite(float(cleaned.replace(",", "")) * multiplier, text), "ok"


def _in_range(number: int | float) -> int | float:
    if isinstance(number, int) and not -(2**1023) < number < 2**1023:  # float() would raise OverflowError
        raise ValueError(f"out of range: {str(number)[:20]}... ({len(str(number))} digits)")
    return number


def _finite(number: float, text: object) -> float:
    """Infinity and NaN are no figure anyone published: `1e999` overflows to infinity."""
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {str(text)[:40]!r}")
    return number


def parse_whole_number(text: object) -> int:
    """A count or a round number: a whole number that fits a 64-bit integer (a blank raises TypeError)."""
    value, _ = parse_number(text)
    if value is None:
        raise TypeError("missing")
    if not value.is_integer():
        raise ValueError("not a whole number")
    if not -(2**63) <= value < 2**63:
        raise ValueError("too large for a count")
    return int(value)


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
    """UTF-8 (with or without BOM) first; Windows-1252 is what Excel on Windows saves; UTF-16 with its
    byte-order mark is what Excel's "Unicode text" saves."""
    data = path.read_bytes()
    if not data.strip():
        raise InputError(path.name, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return without_invisible(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise InputError(path.name, f"not valid UTF-16 text (byte {exc.start})") from exc
    nul = data.find(0)
    if nul >= 0:
        raise InputError(
            path.name,
            f"a NUL byte at byte {nul}: binary, or UTF-16/UTF-32 text without a byte-order mark; save it as UTF-8",
        )
    try:
        return without_invisible(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        try:
            return without_invisible(data.decode("cp1252"))
        except UnicodeDecodeError as exc:
            raise InputError(path.name, f"not UTF-8 or Windows-1252 text (byte {exc.start})") from exc


def read_csv_rows(path: Path) -> list[list[str]]:
    """The file's rows; a file beyond the row or column limit is refused, naming the row that passes it."""
    limit = limits()
    # newline="": rows end at CRLF, LF or a lone CR (old Mac exports), and line breaks inside quotes stay.
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    try:
        rows = list(islice(reader, limit.rows + 1))  # one past the limit, to know it was passed
    except csv.Error as exc:  # e.g. a cell over the csv module's 128 KiB field limit, a NUL byte
        raise InputError(path.name, f"unreadable CSV ({exc})", row=reader.line_num) from exc
    if len(rows) > limit.rows:
        raise InputError(
            path.name, f"over {limit.rows:,} rows, the most a file may have ({ENV['rows']})", row=limit.rows + 1
        )
    if rows and max(map(len, rows)) > limit.columns:
        number, wide = next((i, row) for i, row in enumerate(rows, start=1) if len(row) > limit.columns)
        raise InputError(
            path.name,
            f"{len(wide):,} columns, over the {limit.columns:,} a row may have ({ENV['columns']})",
            row=number,
        )
    return rows


def read_rows(path: Path) -> list[list[str]]:
    rows = read_csv_rows(path)
    if not any(any(str(cell).strip() for cell in row) for row in rows):
        raise InputError(path.name, "the file is empty")
    return rows


def normalise_header(cell: str) -> str:
    return re.sub(r"\s+", " ", str(cell)).strip().lower()


def find_header(path: Path, rows: list[list[str]], formats: list[FileFormat]) -> tuple[int, FileFormat]:
    """Locate the header row (title rows may sit above it) of the first layout whose columns are all there.
    Failing that, name what the nearest layout misses: the one with the largest share of its columns there
    (the first layout on a tie), so a one-column layout does not speak for a file that is like none."""
    best: tuple[list[str], FileFormat] | None = None
    best_share = -1.0
    for index, row in enumerate(rows[:50]):
        header = {normalise_header(cell) for cell in row}
        for fmt in formats:
            missing = [name for name in fmt.columns if normalise_header(name) not in header]
            if not missing:
                return index, fmt
            share = 1 - len(missing) / len(fmt.columns)
            if share > best_share:
                best, best_share = (missing, fmt), share
    missing, nearest = best or ([], None)
    others = "; ".join(", ".join(fmt.columns) for fmt in formats if fmt is not nearest)
    reason = f"header row not found; missing column(s): {', '.join(missing)}"
    raise InputError(path.name, reason + (f" (the other layouts need: {others})" if others else ""), row=1)


@dataclass
class Sheet:
    """The table in a CSV file or a worksheet, with what sat above and below it (not a contract `Table`)."""

    format: FileFormat
    title_rows: list[list[str]]
    header: list[str]  # normalised: lower case, single spaces
    header_as_given: list[str]
    body: list[tuple[int, list[str]]]  # (file row number, cells), 1-based as a spreadsheet shows
    notes: list[str]

    @cached_property
    def records(self) -> list[tuple[int, dict[str, str]]]:
        """(file row number, {header: text}) for each data row."""
        return [(number, self.record(row)) for number, row in self.body]

    def record(self, row: list[str]) -> dict[str, str]:
        return {name: (str(row[i]).strip() if i < len(row) else "") for i, name in enumerate(self.header) if name}

    def columns(self) -> list[tuple[str, ...]]:
        """The body column by column (a cell short rows lack is blank), without a Python loop per cell."""
        found = list(zip_longest(*(row for _, row in self.body), fillvalue=""))[: len(self.header)]
        return found + [("",) * len(self.body)] * (len(self.header) - len(found))


def read_sheet(path: Path, formats: list[FileFormat] | FileFormat) -> Sheet:
    """Read the table: skip title rows above the header, blank rows, and notes below the last data row.

    Every column of the header is kept (keyed by its normalised name); a parser reads the ones it needs.
    """
    formats = formats if isinstance(formats, list) else [formats]
    if path.suffix.lower() == ".xlsx":
        rows, start, fmt = _first_sheet_with_a_header(path, formats)
    else:
        rows = read_rows(path)
        start, fmt = find_header(path, rows, formats)
    header = [normalise_header(cell) for cell in rows[start]]
    _refuse_repeated_columns(path, header, rows[start], start + 1)
    body = [
        (number, row)
        for number, row in enumerate(rows[start + 1 :], start=start + 2)
        if any(str(value).strip() for value in row)
    ]
    notes: list[str] = []
    # Footnotes ("Source: ...", "[c] = suppressed") are single-cell rows after the data.
    while body and sum(1 for value in body[-1][1] if str(value).strip()) == 1 and len(header) > 1:
        notes.insert(0, next(str(v).strip() for v in body.pop()[1] if str(v).strip()))
    return Sheet(fmt, rows[:start], header, [str(cell).strip() for cell in rows[start]], body, notes)


def _column_letter(index: int) -> str:
    """A 0-based column position as a spreadsheet names it: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _refuse_repeated_columns(path: Path, header: list[str], given: list[str], row: int) -> None:
    """Two columns with one name (or names differing only in case or spacing) leave no way to tell which
    one a figure comes from: the file is rejected, naming both, rather than one silently read."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        if name:
            positions.setdefault(name, []).append(index)
    repeated = [found for found in positions.values() if len(found) > 1]
    if repeated:
        found = repeated[0]
        raise InputError(
            path.name,
            f"the column {given[found[0]].strip()!r} appears {len(found)} times (columns"
            f" {', '.join(_column_letter(i) for i in found)}, as {', '.join(repr(given[i]) for i in found)}):"
            " rename or remove the extra one(s)",
            row=row,
            column=given[found[0]].strip(),
        )


def _first_sheet_with_a_header(path: Path, formats: list[FileFormat]) -> tuple[list[list[str]], int, FileFormat]:
    """The first visible sheet holding a header: cover and notes sheets before the data are passed over."""
    sheets = read_xlsx_sheets(path)
    if not any(any(cell.strip() for row in rows for cell in row) for _, rows in sheets):
        raise InputError(path.name, "the file is empty")
    first_error = None
    for _, rows in sheets:
        try:
            return (rows, *find_header(path, rows, formats))
        except InputError as exc:
            first_error = first_error or exc
    raise first_error


def title_values(title_rows: list[list[str]], names: list[str]) -> dict[str, str]:
    """`Name: value` (or `Name,value`) rows above a table, e.g. `Round: 19` in a poll release."""
    found = {}
    for row in title_rows:
        text = " ".join(str(cell).strip() for cell in row if str(cell).strip())
        for name in names:
            match = re.match(rf"^{re.escape(name)}\s*[:=]?\s+(.+)$", text, re.IGNORECASE) or re.match(
                rf"^{re.escape(name)}\s*:\s*(.+)$", text, re.IGNORECASE
            )
            if match:
                found[normalise_header(name)] = match.group(1).strip()
    return found
