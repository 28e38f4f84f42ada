"""Read a file by its contracts alone, for a source that declares no parser of its own.

The file holds one table: title rows above its header and notes below it are skipped, as for every
source. Its layout is the first of the source's formats whose columns are all there, and each header
names a contract column in words (`Council code` is `council_code`). Cells are read by their column's
type; a row with a cell that cannot be read is quarantined with its row, column and reason, and the
contract's value rules are checked afterwards like any parser's output. A cell at a time: meant for
the small lists people keep by hand; a large source declares a parser of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from ingestion.contracts import Table
from ingestion.parsers.common import Parsed, Reject, parse_date, parse_number, parse_whole_number, read_sheet

_TRUE, _FALSE = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}


def _column_name(header: str) -> str:
    """`Council code` -> `council_code`: how a header names its contract column."""
    return re.sub(r"[^0-9a-z]+", "_", header.lower()).strip("_")


def _boolean(text: str) -> bool:
    if text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    raise ValueError(f"not yes or no: {text!r}")


_READERS: dict[str, Callable[[str], object]] = {
    "string": str,
    "date": parse_date,
    "float": lambda text: parse_number(text)[0],
    "integer": parse_whole_number,
    "boolean": _boolean,
}


def parse(path: Path, tables: tuple[Table, ...]) -> Parsed:
    sheet = read_sheet(path, [fmt for table in tables for fmt in table.formats])
    table = next(table for table in tables if sheet.format in table.formats)
    given = dict(zip(sheet.header, sheet.header_as_given, strict=True))
    wanted = {column.name: column for column in table.columns}
    named = {header: _column_name(header) for header in sheet.header}
    found = {header: wanted[name] for header, name in named.items() if name in wanted}
    rows: list[dict] = []
    rejects: list[Reject] = []
    for number, record in sheet.records:
        row: dict = {"_source_row": number}
        for header, column in found.items():
            text = record.get(header, "")
            try:
                row[column.name] = _READERS[column.type](text) if text else None
            except (ValueError, TypeError) as exc:
                rejects.append(Reject(number, given[header], f"cannot read {text!r}: {exc}", record))
                break
        else:
            rows.append(row)
    schema = table.parsed_schema()  # a column the file lacks is added as NULL by the contract's `to_arrow`
    read = pa.schema([schema.field(name) for name in ["_source_row", *(c.name for c in found.values())]])
    return Parsed({table.name: pa.Table.from_pylist(rows, schema=read)}, rejects, rows_read=len(sheet.records))
