"""Council metrics: LG Inform API responses (``/metricTypes``, ``/data`` JSON, ``/data.csv``) and the
long format of government data explorers (one row per council, year and measure)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ingestion.contracts import LGINFORM_METRIC_TYPES, LGINFORM_VALUES, PERIOD_ID
from ingestion.council_lookup import register
from ingestion.errors import InputError
from ingestion.sources.common import Parsed, Reject, Table, parse_number, parse_numbers, read_table

POLARITY = {"High value is good": "high_is_good", "Low value is good": "low_is_good",
            "Not applicable": "not_applicable"}
# rank_order in the explorers' downloads: desc ranks the highest value first, i.e. high is good (inferred).
RANK_ORDER = {"desc": "high_is_good", "asc": "low_is_good", "none": "not_applicable", "": "not_applicable"}
_METRIC_IN_NAME = re.compile(r"metricType[-_=]([A-Za-z0-9]+)", re.IGNORECASE)
_VALUE_COLUMNS = LGINFORM_VALUES.column_names + ["_source_row"]


def parse(path: Path) -> Parsed:
    if path.suffix.lower() == ".json":
        return _parse_json(path)
    api_csv, long_format = LGINFORM_VALUES.formats[1], LGINFORM_VALUES.formats[2]
    table = read_table(path, [long_format] if path.suffix.lower() == ".xlsx" else [long_format, api_csv])
    return _parse_long(table) if table.format is long_format else _parse_data_csv(path, table)


def period_from_label(label: str) -> str | None:
    """`2019/20` or `2019-20` -> fin_2019_20, `2019` -> cal_2019; identifiers pass through."""
    text = label.strip()
    if re.match(PERIOD_ID, text):
        return text
    match = re.match(r"^(\d{4})[/-](\d{2})$", text)
    if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
        return f"fin_{match.group(1)}_{match.group(2)}"
    if re.match(r"^(19|20)\d{2}$", text):
        return f"cal_{text}"
    return None


def _with_area_status(frame: pd.DataFrame) -> pd.DataFrame:
    frame["area_status"] = register().statuses(frame["area_code"])
    return frame


def _parse_json(path: Path) -> Parsed:
    try:
        document = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path.name, f"not valid JSON ({exc})") from exc
    if isinstance(document, dict) and "rows" in document:
        return _parse_data(path, document["rows"])
    if isinstance(document, dict) and "metricTypes" in document:
        return _parse_metric_types(path, document["metricTypes"])
    if isinstance(document, dict) and "identifier" in document and "polarity" in document:
        return _parse_metric_types(path, [document])  # /metricTypes/{id}
    raise InputError(path.name, "neither a /data response (no 'rows') nor a /metricTypes response")


def _get(obj: dict, *keys: str):
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _parse_metric_types(path: Path, items: list) -> Parsed:
    if not isinstance(items, list):
        raise InputError(path.name, "'metricTypes' is not a list", column="metricTypes")
    records, rejects = [], []
    for index, item in enumerate(items, start=1):
        polarity = _get(item, "polarity")
        if polarity not in POLARITY:
            rejects.append(Reject(index, "polarity", f"unknown polarity {polarity!r}", item))
            continue
        records.append({
            "metric_id": None if _get(item, "identifier") is None else str(_get(item, "identifier")),
            "label": _get(item, "label"),
            "short_label": _get(item, "shortLabel"),
            "unit_id": _get(item, "measure", "measurementUnit", "identifier"),
            "unit_label": _get(item, "measure", "measurementUnit", "label"),
            "period_type": _get(item, "dataset", "periodType", "identifier"),
            "polarity": POLARITY[polarity],
            "source_name": _get(item, "sourceName"),
            "last_updated": _get(item, "metadataOrDataLastUpdated"),
            "_source_row": index,
        })
    frame = pd.DataFrame.from_records(records, columns=LGINFORM_METRIC_TYPES.column_names + ["_source_row"])
    return Parsed({"metric_types": frame}, rejects, rows_read=len(items))


def _first_value(row) -> dict:
    values = _get(row, "values")
    return values[0] if isinstance(values, list) and values and isinstance(values[0], dict) else {}


def _parse_data(path: Path, rows: list) -> Parsed:
    if not isinstance(rows, list):
        raise InputError(path.name, "'rows' is not a list", column="rows")
    # Column by column: a /data response holds tens of thousands of rows.
    firsts = [_first_value(row) for row in rows]
    raw_values = pd.Series([first.get("value") for first in firsts], dtype="object")
    formatted = pd.Series([first.get("formatted") for first in firsts], dtype="object")
    frame = pd.DataFrame({
        "area_code": [_text(_get(row, "area", "identifier")) for row in rows],
        "area_label": [_get(row, "area", "label") for row in rows],
        "metric_id": [_text(_get(row, "metricType", "identifier")) for row in rows],
        "period_id": [_text(_get(row, "period", "identifier")) for row in rows],
        "period_label": [_get(row, "period", "label") for row in rows],
        "value_formatted": formatted,
        "source_format": "api_json",
        "_source_row": range(1, len(rows) + 1),
    })
    return _with_values(frame, raw_values.where(raw_values.notna(), formatted), lambda i: "values[0].value",
                        lambda i: rows[i], len(rows))


def _with_values(frame: pd.DataFrame, cells: pd.Series, column_of: Callable[[int], str],
                 raw_of: Callable[[int], dict], rows_read: int) -> Parsed:
    """Parse the value cells; a row whose cell is not a number goes to rejects, named by COLUMN_OF and
    RAW_OF of its position."""
    frame["value"], frame["value_status"], errors = parse_numbers(cells)
    bad = errors.notna().to_numpy()
    rejects = [Reject(int(frame["_source_row"].iat[i]), column_of(i), errors.iat[i], raw_of(i))
               for i in bad.nonzero()[0]]
    frame = frame[~bad].reset_index(drop=True)
    return Parsed({"values": _with_area_status(frame)[_VALUE_COLUMNS]}, rejects, rows_read=rows_read)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _parse_data_csv(path: Path, table: Table) -> Parsed:
    match = _METRIC_IN_NAME.search(path.name)
    if not match:
        raise InputError(path.name, "a /data.csv download holds one metric: name the file after it,"
                                    " e.g. data_metricType-1234.csv")
    fixed = {"area", "area label", "area long label"}
    periods = {column: period_from_label(column) for column in table.header if column and column not in fixed}
    unknown = [column for column, period in periods.items() if period is None]
    if unknown:
        listed = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise InputError(path.name, f"period column(s) not recognised: {listed}", row=1, column=unknown[0])
    # The stray header-like row of LG Inform's CSV is not an area.
    records = [(number, raw) for number, raw in table.records if raw["area"].lower() != "area"]
    labels = list(periods)
    per_row = len(labels)
    cells = np.array([raw[label] for _, raw in records for label in labels], dtype=object)
    long = pd.DataFrame({  # row-major, as the file reads: a row, then its periods
        "area_code": np.repeat([raw["area"] or None for _, raw in records], per_row),
        "area_label": np.repeat([raw["area label"] for _, raw in records], per_row),
        "metric_id": match.group(1),
        "period_id": np.tile([periods[label] for label in labels], len(records)),
        "period_label": np.tile(labels, len(records)),
        "value_formatted": cells,
        "source_format": "api_csv",
        "_source_row": np.repeat([number for number, _ in records], per_row),
    })
    by_row = dict(records)
    return _with_values(long, long["value_formatted"], lambda i: long["period_label"].iat[i],
                        lambda i: by_row[int(long["_source_row"].iat[i])], len(long))


def _parse_long(table: Table) -> Parsed:
    records, rejects, metrics = [], [], {}
    for number, raw in table.records:
        period_id = period_from_label(raw["financial year"])
        if period_id is None or not period_id.startswith("fin_"):
            rejects.append(Reject(number, "Financial year", f"not a financial year like 2019-20: {raw['financial year']!r}",
                                  raw))
            continue
        rank_order = raw.get("rank_order", "").strip().lower()
        if rank_order not in RANK_ORDER:
            rejects.append(Reject(number, "rank_order", f"expected desc, asc, None or blank: {raw['rank_order']!r}", raw))
            continue
        try:
            value, status = parse_number(raw["value"])
        except ValueError as exc:
            rejects.append(Reject(number, "Value", str(exc), raw))
            continue
        code = raw["code"] or None
        records.append({
            "area_code": raw["local authority code"] or None, "area_label": raw["local authority name"],
            "metric_id": code, "period_id": period_id, "period_label": raw["financial year"], "value": value,
            "value_formatted": raw["value"], "value_status": status, "source_format": "long_csv",
            "_source_row": number,
        })
        if code and code not in metrics:
            metrics[code] = {"metric_id": code, "label": raw["measure"] or None, "polarity": RANK_ORDER[rank_order],
                             "source_name": "government data explorer download", "_source_row": number}
    values = pd.DataFrame.from_records(records, columns=_VALUE_COLUMNS)
    types = pd.DataFrame.from_records(list(metrics.values()),
                                      columns=LGINFORM_METRIC_TYPES.column_names + ["_source_row"])
    return Parsed({"values": _with_area_status(values), "metric_types": types}, rejects,
                  rows_read=len(table.records))
