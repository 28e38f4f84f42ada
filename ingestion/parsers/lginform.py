"""Council metrics from LG Inform: `/metricTypes` and `/data` JSON responses and `/data.csv` downloads.

Long-format metric files (government data explorers, ONS) are read by `metric_long_formats`; `parse`
sends each file to the reader of its layout.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from core.errors import InputError
from ingestion import periods
from ingestion.contracts import GSS_ANY, GSS_COUNCIL
from ingestion.parsers import metric_long_formats
from ingestion.parsers.common import Parsed, Reject, Sheet, parse_whole_number, read_sheet, without_invisible
from ingestion.parsers.metric_values import resolve_periods, with_values
from ingestion.sources.lginform import LGINFORM_METRIC_TYPES, LGINFORM_NEAREST_NEIGHBOURS, LGINFORM_VALUES

POLARITY = {
    "High value is good": "high_is_good",
    "Low value is good": "low_is_good",
    "Not applicable": "not_applicable",
}
_METRIC_IN_NAME = re.compile(r"metricType[-_=]([A-Za-z0-9]+)", re.IGNORECASE)
# The dimensions of a /data table, as its rows and columns name them.
_DIMENSIONS = {"area": "area", "metricType": "metric", "period": "period"}


def parse(path: Path) -> Parsed:
    if path.suffix.lower() == ".json":
        return _parse_json(path)
    api_csv, explorer, ons = LGINFORM_VALUES.formats[1:4]
    neighbours = LGINFORM_NEAREST_NEIGHBOURS.formats[0]
    layouts = [neighbours, explorer, ons] + ([] if path.suffix.lower() == ".xlsx" else [api_csv])
    table = read_sheet(path, layouts)
    if table.format is neighbours:
        return _parse_neighbours(table)
    if table.format is explorer:
        return metric_long_formats.parse_explorer(path, table)
    if table.format is ons:
        return metric_long_formats.parse_ons(path, table)
    return _parse_data_csv(path, table)


def _parse_neighbours(table: Sheet) -> Parsed:
    """A nearest-neighbour list; a council named as its own neighbour is quarantined, and a row with no
    neighbour code says the council has none."""
    records, rejects = [], []
    for number, raw in table.records:
        council, neighbour = raw["council code"].upper(), raw["neighbour code"].upper() or None
        try:
            rank = parse_whole_number(raw.get("rank", "")) if raw.get("rank") else None
        except (ValueError, TypeError) as exc:
            rejects.append(Reject(number, "Rank", f"cannot read {raw['rank']!r}: {exc}", raw))
            continue
        if council == neighbour:
            rejects.append(Reject(number, "Neighbour code", f"{council} is listed as its own neighbour", raw))
            continue
        records.append(
            {
                "council_code": council,
                "neighbour_code": neighbour,
                "neighbour_rank": rank,
                "neighbour_set": raw.get("neighbour set") or None,
                "_source_row": number,
            }
        )
    columns = LGINFORM_NEAREST_NEIGHBOURS.column_names + ["_source_row"]
    frame = pd.DataFrame.from_records(records, columns=columns).astype({"neighbour_rank": "Int64"})
    return Parsed({"nearest_neighbours": frame}, rejects, rows_read=len(table.records))


def _parse_neighbour_mapping(path: Path, document: dict) -> Parsed:
    """`NN.json`: each council's code to its group's codes, itself included, in code order (no rank)."""
    records, not_councils, alone = [], set(), []
    for number, (council, group) in enumerate(document.items(), start=1):
        if not isinstance(group, list):
            raise InputError(path.name, f"{council}: a list of council codes expected, found {type(group).__name__}")
        if not re.match(GSS_COUNCIL, council):
            not_councils.add(council)
            continue
        codes = dict.fromkeys(str(code).strip().upper() for code in group).keys() - {council}
        kept = sorted(code for code in codes if re.match(GSS_COUNCIL, code))
        not_councils |= codes - set(kept)
        if not kept:
            alone.append(council)
        records += [
            {
                "council_code": council,
                "neighbour_code": code,
                "neighbour_rank": None,
                "neighbour_set": None,
                "_source_row": number,
            }
            for code in kept or [None]
        ]
    warnings = []
    if not_councils:
        warnings.append(
            f"{len(not_councils)} code(s) of areas that are not councils skipped (e.g. combined authorities,"
            f" the GLA): {', '.join(sorted(not_councils)[:5])}{', ...' if len(not_councils) > 5 else ''}"
        )
    if alone:
        warnings.append(
            f"{len(alone)} council(s) listed with no neighbour but themselves, kept with none: {', '.join(alone[:10])}"
        )
    columns = LGINFORM_NEAREST_NEIGHBOURS.column_names + ["_source_row"]
    frame = pd.DataFrame.from_records(records, columns=columns).astype({"neighbour_rank": "Int64"})
    return Parsed({"nearest_neighbours": frame}, rows_read=len(records), warnings=warnings)


# --- JSON: /metricTypes and /data -----------------------------------------------------------------


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not a JSON number")


def _parse_json(path: Path) -> Parsed:
    try:
        document = json.loads(without_invisible(path.read_bytes().decode("utf-8-sig")), parse_constant=_not_json)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, NaN, a 5,000-digit number, deep nesting
        raise InputError(path.name, f"not valid JSON ({exc})") from exc
    if isinstance(document, dict) and "rows" in document and "columns" in document:
        return _parse_data(path, document["columns"], document["rows"])
    if isinstance(document, dict) and "metricType-array" in document:
        return _parse_metric_types(path, document["metricType-array"], "metricType-array")
    if isinstance(document, dict) and isinstance(document.get("metricType"), dict):
        return _parse_metric_types(path, [document["metricType"]], "metricType")
    if isinstance(document, dict) and document and all(re.match(GSS_ANY, str(key)) for key in document):
        return _parse_neighbour_mapping(path, document)
    keys = ", ".join(sorted(document)[:8]) if isinstance(document, dict) else type(document).__name__
    raise InputError(
        path.name,
        "neither a /data table (`columns` and `rows`), a /metricTypes response (`metricType-array` or"
        f" `metricType`) nor a nearest-neighbour mapping (council code to codes); found: {keys}",
    )


def metric_id(value) -> str | None:
    """A metric's identifier as text, one spelling per metric: `101`, `101.0` and `"101.0"` are metric 101."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    whole = re.fullmatch(r"(\d+)\.0*", text)
    return whole.group(1) if whole else text


def _get(obj, *keys: str):
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _flag(value) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    return {"true": True, "false": False}.get(str(value).strip().lower())


def _precision(value) -> int | None:
    try:
        return parse_whole_number(value)
    except (TypeError, ValueError):  # the decimal places to show: without a usable one, values show unrounded
        return None


def _parse_metric_types(path: Path, items, key: str) -> Parsed:
    if not isinstance(items, list):
        raise InputError(path.name, f"'{key}' is not a list", column=key)
    records, rejects = [], []
    for index, item in enumerate(items, start=1):
        polarity = _get(item, "polarity")
        if polarity not in POLARITY:
            rejects.append(Reject(index, "polarity", f"unknown polarity {polarity!r}", item))
            continue
        alternatives = _get(item, "alternativeLabels")
        records.append(
            {
                "metric_id": metric_id(_get(item, "identifier")),
                "label": _get(item, "label"),
                "short_label": _get(item, "shortLabel"),
                "original_label": _get(item, "originalLabel") or None,
                "alternative_labels": "; ".join(map(str, alternatives))
                if isinstance(alternatives, list) and alternatives
                else None,
                "unit_id": _get(item, "measure", "measurementUnit", "identifier"),
                "unit_label": _get(item, "measure", "measurementUnit", "label"),
                "period_type": _get(item, "dataset", "periodType", "identifier"),
                "polarity": POLARITY[polarity],
                "discontinued": _flag(_get(item, "discontinued")),
                "null_as_zero": _flag(_get(item, "nullAsZero")),
                "output_precision": _precision(_get(item, "outputPrecision")),
                "source": "lginform",
                "source_name": _get(item, "sourceName"),
                "last_updated": _get(item, "metadataOrDataLastUpdated"),
                "_source_row": index,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=LGINFORM_METRIC_TYPES.column_names + ["_source_row"])
    return Parsed({"metric_types": frame}, rejects, rows_read=len(items))


def _dimensions(obj) -> dict[str, dict]:
    return {
        name: obj[key] for key, name in _DIMENSIONS.items() if isinstance(obj, dict) and isinstance(obj.get(key), dict)
    }


def _date(text) -> date | None:
    try:
        return datetime.fromisoformat(str(text)).date() if text else None
    except ValueError:
        return None


def _period_of(path: Path, period: dict, where: str) -> periods.Period:
    """A /data period: its dates when LG Inform gives them, else its identifier, else its label."""
    identifier, label = _get(period, "identifier"), _get(period, "label")
    start, end = _date(period.get("startDate")), _date(period.get("endDate"))
    try:
        if start and end:
            return periods.from_dates(start, end, census=str(identifier or "").startswith("cen_"))
        return periods.parse(identifier or label)
    except ValueError as exc:
        raise InputError(path.name, f"{exc} (period {identifier or label!r})", column=where) from None


def _parse_data(path: Path, columns, rows) -> Parsed:
    """The /data table: each row's values[i] is the cell under columns[i]; area, metric and period are
    read from the rows or the columns, wherever the request's groupings put them."""
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise InputError(path.name, "'columns' and 'rows' must be lists", column="columns")
    column_dims = [_dimensions(column) for column in columns]
    row_dims = [_dimensions(row) for row in rows]
    width = len(columns)
    for number, row in enumerate(rows, start=1):
        cells = _get(row, "values")
        if not isinstance(cells, list) or len(cells) != width:
            found = len(cells) if isinstance(cells, list) else "no"
            raise InputError(path.name, f"row has {found} value(s) for {width} column(s)", row=number, column="values")
    on_rows = {name for dims in row_dims[:1] for name in dims}
    on_columns = {name for dims in column_dims[:1] for name in dims}
    for name in _DIMENSIONS.values():
        if rows and columns and name not in on_rows | on_columns:
            key = next(k for k, v in _DIMENSIONS.items() if v == name)
            raise InputError(path.name, f"no {key!r} in the rows or the columns: cannot place the values", column=key)

    def spread(values: list, on_rows: bool, dtype=object) -> np.ndarray:
        """One entry per cell, row-major (a row, then its columns), from per-row or per-column values."""
        values = np.array(values, dtype=dtype)
        return np.repeat(values, width) if on_rows else np.tile(values, len(rows))

    def along(name: str, field: str, clean=lambda value: str(value or "")) -> np.ndarray:
        dims = row_dims if name in on_rows else column_dims
        return spread([clean(_get(d.get(name), field)) for d in dims], name in on_rows)

    metrics = along("metric", "identifier", lambda value: metric_id(value) or "")
    named = _METRIC_IN_NAME.search(path.name)
    held = sorted(set(metrics.tolist()) - {""})
    if named and held and held != [named.group(1)]:
        raise InputError(
            path.name,
            f"holds metric(s) {', '.join(held[:5])}, not metric {named.group(1)} its name says:"
            " the answer to another question",
            column="metricType",
        )

    period_on_rows = "period" in on_rows
    where = "rows[].period" if period_on_rows else "columns[].period"
    resolved = []
    for number, dims in enumerate(row_dims if period_on_rows else column_dims, start=1):
        if not isinstance(dims.get("period"), dict):
            raise InputError(path.name, "a period is missing", row=number if period_on_rows else None, column=where)
        resolved.append(_period_of(path, dims["period"], where))
    cells = [cell if isinstance(cell, dict) else {} for row in rows for cell in row["values"]]
    raw = pd.Series([cell.get("value") for cell in cells], dtype="object")
    formatted = pd.Series([cell.get("formatted") for cell in cells], dtype="object")
    frame = pd.DataFrame(
        {
            "area_code": along("area", "identifier"),
            "area_label": along("area", "label"),
            "metric_id": metrics,
            "period_id": spread([p.identifier for p in resolved], period_on_rows),
            "period_label": along("period", "label"),
            "period_start": spread([p.start for p in resolved], period_on_rows, "datetime64[D]"),
            "period_end": spread([p.end for p in resolved], period_on_rows, "datetime64[D]"),
            "value_formatted": formatted,
            "source_format": "api_json",
            "_source_row": np.repeat(np.arange(1, len(rows) + 1), width),
        }
    )
    frame = frame.replace({"area_code": {"": None}, "metric_id": {"": None}})
    values, rejects = with_values(
        frame, raw.where(raw.notna(), formatted), lambda i: f"values[{i % width}]", lambda i: rows[i // width]
    )
    return Parsed({"values": values}, rejects, rows_read=len(cells))


# --- /data.csv -------------------------------------------------------------------------------------


def _parse_data_csv(path: Path, table: Sheet) -> Parsed:
    """A row per area, a column per period: unpivoted in DuckDB, a value per (area, period)."""
    match = _METRIC_IN_NAME.search(path.name)
    if not match:
        raise InputError(
            path.name, "a /data.csv download holds one metric: name the file after it, e.g. data_metricType-1234.csv"
        )
    fixed = {"area", "area label", "area long label"}
    positions = [i for i, column in enumerate(table.header) if column and column not in fixed]
    labels = [table.header_as_given[i] for i in positions]
    by_text = resolve_periods(labels)
    for text, period in by_text.items():
        if isinstance(period, str):  # a period column's header is the file's structure: reject it whole
            raise InputError(path.name, period, row=len(table.title_rows) + 1, column=text)
    if not labels:
        return Parsed({"values": LGINFORM_VALUES.parsed_schema().empty_table()})
    columns = table.columns()
    # LG Inform's CSV repeats its header as a row: not an area.
    areas = np.array(columns[table.header.index("area")], dtype=object)
    body = np.char.lower(np.char.strip(areas.astype(str))) != "area"
    numbers = np.array([number for number, _ in table.body], dtype=np.int64)[body]
    # Row-major, as the file reads: an area, then its periods.
    cells = np.array([columns[i] for i in positions], dtype=object).reshape(len(positions), -1)[:, body].T.ravel()
    found = [by_text[label] for label in labels]
    per_row = len(labels)

    def tiled(values: list, kind: pa.DataType) -> pa.Array:
        return pa.array(values, kind).take(pa.array(np.tile(np.arange(per_row), len(numbers))))

    long = pa.table(
        {
            "area_code": pa.array(np.repeat(areas[body], per_row), pa.string()),
            "area_label": pa.array(
                np.repeat(np.array(columns[table.header.index("area label")], dtype=object)[body], per_row), pa.string()
            ),
            "metric_id": pa.repeat(match.group(1), len(cells)),
            "period_id": tiled([p.identifier for p in found], pa.string()),
            "period_label": tiled(labels, pa.string()),
            "period_start": tiled([p.start for p in found], pa.date32()),
            "period_end": tiled([p.end for p in found], pa.date32()),
            "value_formatted": pa.array(cells, pa.string()),
            "source_format": pa.repeat("api_csv", len(cells)),
            "_source_row": pa.array(np.repeat(numbers, per_row)),
        }
    )
    by_row = dict(table.body)
    values, rejects = with_values(
        long,
        long["value_formatted"],
        lambda i: labels[i % per_row],
        lambda i: table.record(by_row[int(numbers[i // per_row])]),
    )
    return Parsed({"values": values}, rejects, rows_read=len(cells))
