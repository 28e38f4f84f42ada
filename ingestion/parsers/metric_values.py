"""What every council-metric reader shares: value cells parsed into value and status, area codes checked
against the council register, and period labels resolved.

Values are parsed with Arrow's vectorised kernels: plain numbers and suppression markers (nearly every
cell) at once, and only the rest (`£1.2m`, `45%`, anything unreadable) one by one by `parse_number`, the one definition
of what a published number may look like.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingestion import periods
from ingestion.council_lookup import register
from ingestion.parsers.common import NUMBER_WITH_COMMAS, SUPPRESSION_MARKERS, Reject, parse_number
from ingestion.sources.lginform import LGINFORM_VALUES

VALUE_COLUMNS = LGINFORM_VALUES.column_names + ["_source_row"]


@lru_cache(maxsize=1)
def _lookups() -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    councils = register().by_code.values()
    return (
        pa.array(list(SUPPRESSION_MARKERS)),
        pa.array(list(SUPPRESSION_MARKERS.values())),
        pa.array([c.code for c in councils]),
        pa.array(["retired" if c.end else "current" for c in councils]),
    )


def _text(cells: list | pd.Series | pa.Array) -> pa.Array:
    if isinstance(cells, (pa.Array, pa.ChunkedArray)):
        return pc.cast(cells, pa.string())
    return pa.array(
        [
            None if cell is None or cell is pd.NA or (isinstance(cell, float) and cell != cell) else str(cell)
            for cell in cells
        ],
        pa.string(),
    )


def with_values(
    rows: pd.DataFrame | pa.Table,
    cells: list | pd.Series | pa.Array,
    column_of: Callable[[int], str],
    raw_of: Callable[[int], dict],
) -> tuple[pa.Table, list[Reject]]:
    """ROWS (the value columns but `value`, `value_status` and `area_status`) with their CELLS parsed
    and each area's register status; a row whose cell is not a number is returned as a reject, named
    by COLUMN_OF and RAW_OF of its position."""
    rows = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=False)
    markers, marker_statuses, codes, code_statuses = _lookups()
    text = pc.utf8_trim_whitespace(_text(cells))
    plain = pc.fill_null(pc.match_substring_regex(text, f"^(?:{NUMBER_WITH_COMMAS})$"), False)
    value = pc.cast(pc.if_else(plain, pc.replace_substring(text, ",", ""), None), pa.float64())
    marked = pc.take(marker_statuses, pc.index_in(pc.utf8_lower(text), value_set=markers))
    status = pc.if_else(pc.is_null(text), "missing", pc.coalesce(marked, "ok"))
    odd = pc.indices_nonzero(pc.and_(pc.invert(plain), pc.equal(status, "ok"))).to_pylist()
    rejects, failed = [], []
    if odd:  # rare: £, %, 1.2m, or not a number at all
        values, statuses = value.to_pylist(), status.to_pylist()
        listed = cells.to_pylist() if isinstance(cells, (pa.Array, pa.ChunkedArray)) else list(cells)
        for position in odd:
            try:
                values[position], statuses[position] = parse_number(listed[position])
            except ValueError as exc:
                failed.append(position)
                rejects.append(
                    Reject(rows["_source_row"][position].as_py(), column_of(position), str(exc), raw_of(position))
                )
        value, status = pa.array(values, pa.float64()), pa.array(statuses, pa.string())
    known = pc.index_in(pc.cast(rows["area_code"], pa.string()), value_set=codes)
    area_status = pc.coalesce(pc.take(code_statuses, known), "unknown")
    derived = {"value": value, "value_status": status, "area_status": area_status}
    table = pa.table(
        {
            name: derived[name]
            if name in derived
            else rows[name]
            if name in rows.column_names
            else pa.nulls(rows.num_rows)
            for name in VALUE_COLUMNS
        }
    )
    if failed:
        positions = pa.array(range(rows.num_rows), pa.int64())
        table = table.filter(pc.invert(pc.is_in(positions, value_set=pa.array(failed, pa.int64()))))
    return table, rejects


def resolve_periods(labels: Iterable[str]) -> dict[str, periods.Period | str]:
    """Each distinct label's period, or why it is not one (a row-level reason for quarantine)."""
    out: dict[str, periods.Period | str] = {}
    for label in dict.fromkeys(labels):
        try:
            out[label] = periods.parse(label)
        except ValueError as exc:
            out[label] = str(exc)
    return out


def slug(text: str) -> str:
    """A measure's name as an identifier, for files that give no code: `Outcome, ASC carer QoL` ->
    `outcome_asc_carer_qol`."""
    return "_".join(re.findall(r"[a-z0-9]+", text.lower()))
