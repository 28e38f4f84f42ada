"""Row checks on parsed files before they reach raw: duplicate keys, then the contract's GX suite.

The suite is built from the contract (``ingestion.contracts``), so a rule is written once. GX runs
on the pandas frame with the COMPLETE result format, which names every failing row; those rows go
to quarantine with the expectation and the value, the rest are loaded.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache

import pandas as pd

from ingestion.contracts import Table
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


@lru_cache(maxsize=1)
def _context():
    # GX logs every class it registers at import and would send usage statistics; neither is wanted.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@lru_cache(maxsize=None)
def _validation(table: Table):
    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = _context()
    expectations = []
    for column in table.columns:
        if column.required:
            expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=column.name))
        if column.allowed:
            expectations.append(gxe.ExpectColumnValuesToBeInSet(column=column.name, value_set=list(column.allowed)))
        if column.minimum is not None or column.maximum is not None:
            expectations.append(gxe.ExpectColumnValuesToBeBetween(
                column=column.name, min_value=column.minimum, max_value=column.maximum))
        if column.pattern:
            expectations.append(gxe.ExpectColumnValuesToMatchRegex(column=column.name, regex=column.pattern))
    name = f"input_{table.source}_{table.name}"
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
    batch = (context.data_sources.add_pandas(name).add_dataframe_asset(table.name)
             .add_batch_definition_whole_dataframe("parsed file"))
    return context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))


def _show(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(sorted(map(str, value))) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def _reason(config) -> str:
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("column", "batch_id") and v is not None}
    detail = ", ".join(f"{k}={_show(v)}" for k, v in kwargs.items())
    return f"{config.type}({detail})" if detail else config.type


def failures(table: Table, frame: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """Validate with the contract's suite: {row position: (column, reason)} for each failing row.

    One call may hold the rows of many files (a column outside the contract says which), because
    each GX run has a fixed cost of about a tenth of a second.
    """
    if frame.empty:
        return {}
    frame = frame.reset_index(drop=True)
    # GX's pandas engine wants plain object/float columns, not pandas' nullable extension types.
    plain = frame.astype({name: "float64" for name, dtype in frame.dtypes.items() if str(dtype) == "Int64"})
    plain = plain.astype({name: object for name, dtype in plain.dtypes.items() if str(dtype) == "string"})
    plain = plain.where(plain.notna(), None)
    result = _validation(table).run(batch_parameters={"dataframe": plain}, result_format={"result_format": "COMPLETE"})
    failing: dict[int, tuple[str, str]] = {}
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        column = config.kwargs["column"]
        for index in outcome.result.get("unexpected_index_list") or []:
            position = index if isinstance(index, int) else int(index.get("index", index))
            if position not in failing:
                value = frame.at[position, column]
                value = None if pd.isna(value) else value.item() if hasattr(value, "item") else value
                failing[position] = (column, f"{_reason(config)}: got {value!r}")
    return failing
