"""The raw zone: typed rows with lineage, one Parquet file per load and table, in the contract's schema."""

from __future__ import annotations

import csv
import heapq
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from core.atomic_files import write_atomically
from core.text import spreadsheet_safe
from ingestion.contracts import Table
from ingestion.limits import ENV, limits
from ingestion.parsers.common import Reject
from ingestion.sources import TABLES

SCHEMA_FILE = "_schema.parquet"
PENDING = ".pending"  # a load's file, whole, waiting for the ledger to record the load as complete


def write_table(
    contract: Table, rows: pa.Table, target: Path, load_id: str, source_file: str, loaded_at: datetime
) -> Path:
    """ROWS (in the contract's `parsed_schema`) with their lineage columns, written whole beside TARGET
    as pending; `publish_pending` puts it in place once the ledger has the load as complete."""
    lineage = contract.arrow_schema()
    for name, value in (("_load_id", load_id), ("_source_file", source_file), ("_loaded_at", loaded_at)):
        field = lineage.field(name)
        rows = rows.append_column(field, pa.repeat(pa.scalar(value, field.type), rows.num_rows))
    pending = target.with_name(target.name + PENDING)
    write_atomically(pending, lambda partial: pq.write_table(rows.select(lineage.names), partial))
    return pending


def final_path(pending: Path) -> Path:
    return pending.with_name(pending.name.removesuffix(PENDING))


def publish_pending(pending: list[Path]) -> None:
    for path in pending:
        os.replace(path, final_path(path))


def recover(source_raw: Path, complete: set[str]) -> None:
    """After a kill between the ledger and the raw zone: finish the renames of a source's loads the
    ledger has as complete, and drop the files of loads it does not, so raw holds exactly the complete
    loads. Pending files are never read (the build reads `*.parquet`), so only the source's next ingest,
    its single writer, needs to do this."""
    for path in source_raw.glob(f"*/*.parquet{PENDING}"):
        if path.name.removesuffix(f".parquet{PENDING}") in complete:
            publish_pending([path])
        else:
            path.unlink()


def write_schemas(raw: Path, source: str) -> None:
    """A zero-row file per table of SOURCE, with the contract's columns: the build reads every table
    (empty until its first load) and always in the contract's current columns."""
    for (owner, name), contract in TABLES.items():
        if owner == source:
            empty = contract.arrow_schema().empty_table()
            write_atomically(
                raw / source / name / SCHEMA_FILE, lambda partial, empty=empty: pq.write_table(empty, partial)
            )


def write_quarantine(rejects: list[Reject], target: Path, source_file: str) -> None:
    """Quarantined rows as CSV for people to open: file, row, column, reason and the raw row as JSON (which
    keeps the original of a cell made spreadsheet-safe). At most the limit's rows are written, and a last
    line counts the rest: a file of a million bad rows must not make a quarantine file larger than itself."""
    cap = limits().quarantine_rows

    def write(partial: Path) -> None:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "row", "column", "reason", "raw"])
            if len(rejects) > cap:
                writer.writerow(
                    [
                        spreadsheet_safe(source_file),
                        "",
                        "",
                        f"{len(rejects) - cap:,} more row(s) quarantined and not listed here: a quarantine file"
                        f" lists the first {cap:,} ({ENV['quarantine_rows']})",
                        "",
                    ]
                )
            for reject in heapq.nsmallest(cap, rejects, key=lambda r: r.row):
                writer.writerow(
                    [
                        spreadsheet_safe(cell)
                        for cell in (
                            source_file,
                            reject.row,
                            reject.column,
                            reject.reason,
                            json.dumps(reject.raw, default=str, ensure_ascii=False),
                        )
                    ]
                )

    write_atomically(target, write)


@dataclass(frozen=True)
class Mismatch:
    """A disagreement between the ledger and the raw zone."""

    load_id: str | None  # None: a file no complete load owns
    file_name: str
    path: Path
    problem: str

    def describe(self) -> str:
        owner = f"load {self.load_id} ({self.file_name})" if self.load_id else "no complete load"
        return f"{self.path}: {self.problem} [{owner}]"


def reconcile(raw: Path, loads: list) -> list[Mismatch]:
    """Every complete load's raw files are there and readable, and every raw file belongs to one.

    LOADS are the ledger's `LoadRecord`s with status `loaded`. A load recorded before the ledger listed its
    files is checked for at least one file when it accepted rows."""
    found = {path for path in raw.glob("*/*/*.parquet") if path.name != SCHEMA_FILE}
    owned: set[Path] = set()
    mismatches = []
    for load in loads:
        expected = (
            [raw / name for name in load.raw_files]
            if load.raw_files is not None
            else sorted(raw.glob(f"{load.source}/*/{load.load_id}.parquet"))
        )
        owned.update(expected)
        if load.raw_files is None and load.rows_accepted and not expected:
            mismatches.append(Mismatch(load.load_id, load.file_name, raw / load.source, "no raw file for this load"))
        for path in expected:
            if path not in found:
                mismatches.append(Mismatch(load.load_id, load.file_name, path, "missing"))
                continue
            try:
                pq.read_metadata(path)
            except (OSError, pa.ArrowException) as exc:
                mismatches.append(Mismatch(load.load_id, load.file_name, path, f"unreadable ({exc})"))
    mismatches += [
        Mismatch(None, path.name, path, "not written by any complete load") for path in sorted(found - owned)
    ]
    return mismatches
