"""How much one input may hold before it is read: a file beyond these is rejected by name, never allowed
to exhaust the machine and take the rest of its batch down. Each limit is a setting (an environment
variable) for the rare publication that needs more; docs/operations.md lists them."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from core.errors import UsageError


@dataclass(frozen=True)
class Limits:
    file_mb: float = 100.0  # a file's size on disk (an LG Inform answer for one metric is under 1 MB)
    rows: int = 2_000_000  # rows in one CSV file or worksheet
    columns: int = 1_000  # columns in any row
    workbook_cells: int = 5_000_000  # a worksheet's declared size, rows x columns, before a cell is read
    inflated_mb: float = 512.0  # a workbook's content once unzipped
    reader_memory_mb: int = 3_072  # what the process reading one workbook may allocate
    quarantine_rows: int = 10_000  # rows written to one quarantine file; the ledger counts them all

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * 1024 * 1024)

    @property
    def inflated_bytes(self) -> int:
        return int(self.inflated_mb * 1024 * 1024)


ENV = {field.name: f"SLI_MAX_{field.name.upper()}" for field in fields(Limits)}


def limits(environ: dict[str, str] | None = None) -> Limits:
    """The limits, each from its SLI_MAX_<NAME> variable when set."""
    env = os.environ if environ is None else environ
    chosen = {}
    for field in fields(Limits):
        text = env.get(ENV[field.name])
        if text:
            try:
                value = float(text)
            except ValueError:
                raise UsageError(f"{ENV[field.name]}={text!r} is not a number") from None
            chosen[field.name] = int(value) if isinstance(field.default, int) else value
    return Limits(**chosen)
