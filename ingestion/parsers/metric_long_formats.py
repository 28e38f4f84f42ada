"""Long-format council-metric files, one row per council, period and measure: the downloads of
government data explorers (Oflog's layout) and of ONS "Explore local statistics".

Each file brings its measures' definitions too (label, polarity where the file states it, unit), marked
with their source, so the warehouse knows where a metric came from; the basket adds service area and
council types.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from core.errors import InputError
from ingestion import aliases
from ingestion.parsers.common import Parsed, Reject, Sheet
from ingestion.parsers.metric_values import resolve_periods, slug, with_values
from ingestion.sources.lginform import LGINFORM_METRIC_TYPES

# rank_order in the explorers' downloads: desc ranks the highest value first, i.e. high is good (inferred).
RANK_ORDER = {"desc": "high_is_good", "asc": "low_is_good", "none": "not_applicable", "": "not_applicable"}
_TYPE_COLUMNS = LGINFORM_METRIC_TYPES.column_names + ["_source_row"]


def _frame(table: Sheet) -> pd.DataFrame:
    frame = pd.DataFrame([raw for _, raw in table.records], columns=[c for c in table.header if c], dtype=object)
    frame["_source_row"] = [number for number, _ in table.records]
    return frame.fillna("")


def _reject_rows(frame: pd.DataFrame, bad: pd.Series, column: str, reasons: pd.Series) -> list[Reject]:
    return [
        Reject(int(row["_source_row"]), column, reasons[index], {k: v for k, v in row.items() if k != "_source_row"})
        for index, row in frame[bad].iterrows()
    ]


def _long(
    frame: pd.DataFrame,
    measure_ids: pd.Series,
    period_column: str,
    value_column: str,
    source_format: str,
    shown: dict[str, str],
    only: str | None = None,
) -> tuple[pa.Table, list[Reject]]:
    """Values with periods resolved (financial years only when ONLY is `fin`): rows whose period or value
    cannot be read are returned as rejects."""
    resolved = resolve_periods(frame[period_column])
    if only:
        resolved = {
            label: period
            if isinstance(period, str) or period.identifier.startswith(f"{only}_")
            else f"not a financial year like 2019-20: {label!r}"
            for label, period in resolved.items()
        }
    reasons = frame[period_column].map(lambda label: resolved[label] if isinstance(resolved[label], str) else None)
    bad_period = reasons.notna()
    rejects = _reject_rows(frame, bad_period, shown[period_column], reasons)
    kept = frame[~bad_period]
    found = kept[period_column].map(resolved)
    values = pd.DataFrame(
        {
            "area_code": kept[shown["code"]].replace("", None),
            "area_label": kept[shown["name"]] if shown["name"] in kept else None,
            "metric_id": measure_ids[~bad_period],
            "period_id": found.map(lambda p: p.identifier),
            "period_label": kept[period_column],
            "period_start": pd.to_datetime(found.map(lambda p: p.start)),
            "period_end": pd.to_datetime(found.map(lambda p: p.end)),
            "value_formatted": kept[value_column],
            "source_format": source_format,
            "_source_row": kept["_source_row"],
        }
    )
    values["value_formatted"] = values["value_formatted"].replace("", None)
    by_position = kept.drop(columns="_source_row").to_dict("records")
    values, bad_values = with_values(
        values, values["value_formatted"], lambda i: shown[value_column], lambda i: by_position[i]
    )
    return values, rejects + bad_values


def _types(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(rows.to_dict("records"), columns=_TYPE_COLUMNS)


def parse_explorer(path: Path, table: Sheet) -> Parsed:
    """Oflog's layout: `Financial year, Local authority code, Local authority name, ..., Measure, [Code],
    Value, ..., rank_order`. Real downloads have no `Code`: the measure's name then identifies it, through
    the measure_aliases seed (kind `explorer_measure`) when it lists the name, else as a slug of it."""
    frame = _frame(table)
    # Codes are case-folded: `waste01` and `WASTE01` are one measure, not two.
    codes = frame["code"].str.strip().str.upper() if "code" in frame else pd.Series("", index=frame.index)
    # A measure named in the measure_aliases seed has that id in every download, with a Code column or not.
    named = frame["measure"].map(
        {name: aliases.resolve("explorer_measure", name) for name in frame["measure"].unique()}
    )
    measure_ids = named.where(named.notna(), codes.where(codes != "", frame["measure"].map(slug)))
    rank = frame["rank_order"].str.strip().str.lower() if "rank_order" in frame else pd.Series("", index=frame.index)
    bad_rank = ~rank.isin(list(RANK_ORDER))
    rejects = _reject_rows(
        frame,
        bad_rank,
        "rank_order",
        frame.get("rank_order", rank).map(lambda v: f"expected desc, asc, None or blank: {v!r}"),
    )
    frame, measure_ids, rank = frame[~bad_rank], measure_ids[~bad_rank], rank[~bad_rank]
    shown = {
        "code": "local authority code",
        "name": "local authority name",
        "financial year": "Financial year",
        "value": "Value",
    }
    values, more = _long(frame, measure_ids, "financial year", "value", "long_csv", shown, only="fin")
    # A measure's polarity is its first non-blank rank_order (rows without a value carry none); NULL when
    # no row says, so the basket decides.
    firsts = frame.assign(
        metric_id=measure_ids, polarity=rank.map(RANK_ORDER).astype(object).where(rank != "", None), ranked=rank != ""
    )
    firsts = firsts.sort_values(["ranked", "_source_row"], ascending=[False, True]).drop_duplicates("metric_id")
    types = _types(
        firsts.sort_values("_source_row").assign(
            label=firsts["measure"],
            unit_label=firsts["unit"] if "unit" in firsts else None,
            source="data_explorer",
            source_name="government data explorer download",
        )[["metric_id", "label", "unit_label", "polarity", "source", "source_name", "_source_row"]]
    )
    return Parsed(
        {"values": values, "metric_types": types},
        sorted(rejects + more, key=lambda r: r.row),
        rows_read=len(table.records),
    )


def parse_ons(path: Path, table: Sheet) -> Parsed:
    """ONS "Explore local statistics": `AREACD, AREANM, ..., Indicator, Period, Value (or Observation), Unit`."""
    frame = _frame(table)
    value_column = next((c for c in ("value", "observation") if c in frame), None)
    if value_column is None:
        raise InputError(path.name, "no `Value` or `Observation` column", row=len(table.title_rows) + 1, column="Value")
    measure_ids = frame["indicator"].map(slug)
    shown = {"code": "areacd", "name": "areanm", "period": "Period", value_column: value_column.title()}
    values, rejects = _long(frame, measure_ids, "period", value_column, "ons_csv", shown)
    firsts = frame.assign(metric_id=measure_ids).drop_duplicates("metric_id")
    types = _types(
        firsts.assign(
            label=firsts["indicator"],
            unit_label=firsts["unit"] if "unit" in firsts else None,
            polarity=None,
            source="ons_explore_local_statistics",
            source_name="ONS Explore local statistics",
        )[["metric_id", "label", "unit_label", "polarity", "source", "source_name", "_source_row"]]
    )
    return Parsed({"values": values, "metric_types": types}, rejects, rows_read=len(table.records))
