"""What every council-metric reader shares: value cells parsed into value and status, area codes checked
against the council register, and period labels resolved."""

from __future__ import annotations

import re
from typing import Callable, Iterable

import pandas as pd

from ingestion import periods
from ingestion.contracts import LGINFORM_VALUES
from ingestion.council_lookup import register
from ingestion.sources.common import Parsed, Reject, parse_numbers

VALUE_COLUMNS = LGINFORM_VALUES.column_names + ["_source_row"]


def with_area_status(frame: pd.DataFrame) -> pd.DataFrame:
    frame["area_status"] = register().statuses(frame["area_code"])
    return frame


def with_values(frame: pd.DataFrame, cells: pd.Series, column_of: Callable[[int], str],
                raw_of: Callable[[int], dict], rows_read: int) -> Parsed:
    """Parse the value cells; a row whose cell is not a number goes to rejects, named by COLUMN_OF and
    RAW_OF of its position."""
    frame["value"], frame["value_status"], errors = parse_numbers(cells)
    bad = errors.notna().to_numpy()
    rejects = [Reject(int(frame["_source_row"].iat[i]), column_of(i), errors.iat[i], raw_of(i))
               for i in bad.nonzero()[0]]
    frame = frame[~bad].reset_index(drop=True)
    return Parsed({"values": with_area_status(frame)[VALUE_COLUMNS]}, rejects, rows_read=rows_read)


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
