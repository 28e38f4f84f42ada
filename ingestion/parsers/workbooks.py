"""Excel workbooks, read so that no workbook can take its batch down.

A workbook is a zip of XML that may declare any size: a 2 KB file can claim a cell at `XFD1048576` and
make the reader allocate hundreds of gigabytes, and a zip bomb inflates a megabyte into gigabytes. So a
workbook's declared sheet sizes and inflated size are checked against the limits before a cell is read,
and the cells are read in a child process with a memory ceiling: a crash or an allocation failure there
rejects that one file, and the rest of the batch loads.
"""

from __future__ import annotations

import json
import re
import resource
import signal
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

from core.errors import InputError
from core.settings import REPO_ROOT
from core.text import without_invisible
from ingestion.limits import ENV, Limits, limits

_NAMESPACES = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?"')
READ_SECONDS = 300  # one workbook's cells, read in the child


def _sheet_parts(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, its XML part) for each worksheet, in the workbook's order."""
    targets = {
        rel.get("Id"): rel.get("Target")
        for rel in ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels")).iterfind(
            "p:Relationship", _NAMESPACES
        )
    }
    parts = []
    for sheet in ElementTree.fromstring(book.read("xl/workbook.xml")).iterfind("m:sheets/m:sheet", _NAMESPACES):
        target = targets.get(sheet.get(f"{{{_NAMESPACES['r']}}}id"), "")
        parts.append((sheet.get("name"), target.lstrip("/") if target.startswith("/") else f"xl/{target}"))
    return parts


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _declared_cells(book: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """(rows, columns) a sheet's `<dimension>` declares, read from the start of its XML, or None."""
    with book.open(part) as handle:
        match = _DIMENSION.search(handle.read(4096))
    if not match or not match.group(4):
        return None
    return int(match.group(4)), _column_number(match.group(3).decode())


def check_workbook(path: Path, limit: Limits) -> None:
    """Refuse a workbook whose content inflates beyond the limit or whose sheets declare more cells than
    the limit, before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as book:
            inflated = sum(info.file_size for info in book.infolist())
            if inflated > limit.inflated_bytes:
                raise InputError(
                    path.name,
                    f"the workbook inflates to {inflated / 2**20:,.0f} MB, over the {limit.inflated_mb:,.0f} MB"
                    f" allowed ({ENV['inflated_mb']}): a zip bomb, or a workbook to split",
                )
            for name, part in _sheet_parts(book):
                if part not in book.namelist():
                    continue
                declared = _declared_cells(book, part)
                if declared and declared[0] * declared[1] > limit.workbook_cells:
                    rows, columns = declared
                    raise InputError(
                        path.name,
                        f"sheet {name!r} declares {rows:,} rows x {columns:,} columns, over the"
                        f" {limit.workbook_cells:,} cells a sheet may have ({ENV['workbook_cells']})",
                    )
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, EOFError) as exc:
        raise InputError(path.name, f"cannot read as an .xlsx workbook ({exc})") from exc


def read_xlsx_sheets(path: Path) -> list[tuple[str, list[list[str]]]]:
    """The workbook's visible worksheets, in order, as rows of text from A1; hidden rows come back blank
    (so row numbers stay those a spreadsheet shows, and a hidden row is never read as data)."""
    limit = limits()
    check_workbook(path, limit)
    ceiling = limit.reader_memory_mb * 2**20

    def cap_memory() -> None:  # in the child, before it reads: an allocation beyond this fails there
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))

    try:
        child = subprocess.run(
            [sys.executable, "-m", "ingestion.parsers.workbooks", str(path)],
            capture_output=True,
            timeout=READ_SECONDS,
            preexec_fn=cap_memory,
            cwd=REPO_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(path.name, f"reading the workbook took over {READ_SECONDS} s: refused") from None
    if child.returncode < 0:
        raise InputError(
            path.name,
            f"the workbook reader stopped ({signal.Signals(-child.returncode).name}): the workbook needs more than"
            f" the {limit.reader_memory_mb:,} MB allowed ({ENV['reader_memory_mb']}) or is damaged",
        )
    answer = json.loads(child.stdout or b"{}")
    if child.returncode or "error" in answer:
        said = child.stderr.decode(errors="replace").strip().splitlines()
        reason = answer.get("error") or (said[-1] if said else "failed")
        if "memory" in reason.lower():
            reason += (
                f": the workbook needs more than the {limit.reader_memory_mb:,} MB allowed ({ENV['reader_memory_mb']})"
            )
        raise InputError(path.name, f"cannot read as an .xlsx workbook ({reason})")
    if not answer["sheets"]:
        raise InputError(path.name, "the workbook has no visible worksheet")
    return [(name, rows) for name, rows in answer["sheets"]]


# --- in the child process ---------------------------------------------------------------------------


def _hidden_rows(book: zipfile.ZipFile) -> dict[str, set[int]]:
    """{sheet name: its hidden row numbers}, from the workbook's XML (calamine does not say)."""
    hidden = {}
    for name, part in _sheet_parts(book):
        rows = set()
        if part in book.namelist():
            for _, element in ElementTree.iterparse(book.open(part)):
                if element.tag == f"{{{_NAMESPACES['m']}}}row" and element.get("hidden") in ("1", "true"):
                    rows.add(int(element.get("r")))
                element.clear()
        hidden[name] = rows
    return hidden


def _cell_text(cell: object) -> str:
    # Excel stores every number as a float: 1001 comes back as 1001.0, which is not how it was typed.
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if cell is None or cell == "":
        return ""
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    return without_invisible(str(cell))


def _read(path: Path, limit: Limits) -> list[tuple[str, list[list[str]]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    with zipfile.ZipFile(path) as archive:
        hidden = _hidden_rows(archive)
    sheets = []
    for meta in book.sheets_metadata:
        if str(meta.visible).lower().endswith("visible") and "work" in str(meta.typ).lower():
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.height > limit.rows or sheet.width > limit.columns:
                raise ValueError(
                    f"sheet {meta.name!r} holds {sheet.height:,} rows x {sheet.width:,} columns, over the limits"
                    f" ({limit.rows:,} rows, {ENV['rows']}; {limit.columns:,} columns, {ENV['columns']})"
                )
            blank = hidden.get(meta.name, set())
            rows = sheet.to_python(skip_empty_area=False)
            sheets.append(
                (
                    meta.name,
                    [
                        [] if number in blank else [_cell_text(cell) for cell in row]
                        for number, row in enumerate(rows, start=1)
                    ],
                )
            )
    return sheets


def main(argv: list[str]) -> int:
    """Print the sheets of the workbook ARGV[0] as JSON, or the reason it cannot be read."""
    try:
        answer = {"sheets": _read(Path(argv[0]), limits())}
    except MemoryError:
        answer = {"error": "out of memory"}
    except Exception as exc:  # calamine and zipfile raise their own types for corrupt workbooks
        answer = {"error": f"{exc}"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
