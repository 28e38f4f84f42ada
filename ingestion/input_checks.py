"""Row checks on parsed files before they reach raw: duplicate keys, then the contract's GX suite.

The suite (`input_<source>_<table>` in the GX file context) is generated from the contract, so a
rule is written once. GX runs on the pandas frame with the COMPLETE result format, which names every
failing row; those rows go to quarantine with the suite, the expectation and the value.
"""

from __future__ import annotations

import pandas as pd

from ingestion import gx
from ingestion.contracts import Table
from ingestion.settings import Paths
from ingestion.sources.common import Reject


def records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def split_duplicates(table: Table, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Reject]]:
    """Exact repeats keep their first row; rows sharing a key with different values are all rejected."""
    if frame.empty:
        return frame, []
    key = list(table.key)
    content = [name for name in table.column_names if name in frame]
    repeats = frame.duplicated(content, keep="first")
    rejects = []
    if repeats.any():
        involved = frame[frame.duplicated(content, keep=False)]
        first = involved.groupby(content, dropna=False, sort=False)["_source_row"].transform("min")
        rejects += [Reject(row["_source_row"], ", ".join(key), f"duplicate of row {int(original)}", row)
                    for row, original in zip(records(frame[repeats]), first.loc[frame.index[repeats]])]
    distinct = frame[~repeats]
    conflicting = distinct.duplicated(key, keep=False)
    if conflicting.any():
        clashes = distinct[conflicting]
        rows_of_key = clashes.groupby(key, dropna=False, sort=False)["_source_row"].transform(
            lambda rows: ", ".join(str(int(r)) for r in sorted(rows)))
        rejects += [Reject(row["_source_row"], ", ".join(key),
                           f"rows {rows} share this key with different values: cannot tell which is right", row)
                    for row, rows in zip(records(clashes), rows_of_key)]
    return distinct[~conflicting], rejects


def _show(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(sorted(map(str, value))) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def failures(table: Table, frame: pd.DataFrame, paths: Paths) -> dict[int, tuple[str, str]]:
    """Validate with the contract's suite: {row position: (column, reason)} for each failing row.

    One call may hold the rows of many files (a column outside the contract says which), because
    each GX run has a fixed cost of about a tenth of a second.
    """
    if frame.empty:
        return {}
    frame = frame.reset_index(drop=True)
    # GX's pandas engine wants NaN-style missing values, not pd.NA: float for integers and pandas' own
    # `str` dtype for text (Arrow-backed, so its regex and set checks run vectorised).
    plain = frame.astype({name: "float64" if str(dtype) == "Int64" else "str"
                          for name, dtype in frame.dtypes.items() if str(dtype) in ("Int64", "string")})
    failing: dict[int, tuple[str, str]] = {}
    for outcome in gx.run_checkpoint(paths, gx.input_suite_name(table), plain):
        if outcome.success:
            continue
        detail = ", ".join(f"{k}={_show(v)}" for k, v in outcome.kwargs.items())
        for index in outcome.unexpected_index_list:
            position = index if isinstance(index, int) else int(index.get("index", index))
            if position not in failing:
                value = frame.at[position, outcome.column]
                value = None if pd.isna(value) else value.item() if hasattr(value, "item") else value
                failing[position] = (outcome.column, f"{outcome.suite}: {outcome.expectation}({detail}): got {value!r}")
    return failing
