"""LG Inform web-service responses: ``/metricTypes`` metadata and ``/data`` JSON values."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from ingestion.errors import InputError
from ingestion.sources.common import Parsed, Reject, parse_number

PERIOD_ID = re.compile(r"^(fin_\d{4}_\d{2}|cal_\d{4}|cen_\d{4}|q\d_\d{4}_\d{2}|m\d{2}_\d{4})$")
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")


def parse(path: Path) -> Parsed:
    try:
        document = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path.name, f"not valid JSON ({exc})") from exc
    if isinstance(document, dict) and "rows" in document:
        return _parse_data(path, document["rows"])
    if isinstance(document, dict) and "metricTypes" in document:
        return _parse_metric_types(path, document["metricTypes"])
    raise InputError(path.name, "neither a /data response (no 'rows') nor a /metricTypes response")


def _get(obj: dict, *keys: str):
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _parse_metric_types(path: Path, items: list) -> Parsed:
    records, rejects = [], []
    for index, item in enumerate(items, start=1):
        metric_id = _get(item, "identifier")
        if metric_id in (None, ""):
            rejects.append(Reject(index, "identifier", "metric type without an identifier", item))
            continue
        records.append(
            {
                "metric_id": str(metric_id),
                "label": _get(item, "label"),
                "short_label": _get(item, "shortLabel"),
                "unit_id": _get(item, "measure", "measurementUnit", "identifier"),
                "unit_label": _get(item, "measure", "measurementUnit", "label"),
                "period_type": _get(item, "dataset", "periodType", "identifier"),
                "polarity": _get(item, "polarity"),
                "source_name": _get(item, "sourceName"),
                "last_updated": _get(item, "metadataOrDataLastUpdated"),
                "_source_row": index,
            }
        )
    return Parsed({"metric_types": pd.DataFrame.from_records(records)}, rejects, rows_read=len(items))


def _parse_data(path: Path, rows: list) -> Parsed:
    if not isinstance(rows, list):
        raise InputError(path.name, "'rows' is not a list", column="rows")
    records, rejects = [], []
    for index, row in enumerate(rows, start=1):
        area = _get(row, "area", "identifier")
        metric = _get(row, "metricType", "identifier")
        period = _get(row, "period", "identifier")
        values = _get(row, "values") or [{}]
        if not area or not GSS_CODE.match(str(area)):
            rejects.append(Reject(index, "area.identifier", f"not a GSS area code: {area!r}", row))
            continue
        if not period or not PERIOD_ID.match(str(period)):
            rejects.append(Reject(index, "period.identifier", f"not a period identifier: {period!r}", row))
            continue
        if metric in (None, ""):
            rejects.append(Reject(index, "metricType.identifier", "missing metric identifier", row))
            continue
        first = values[0] if isinstance(values[0], dict) else {}
        raw_value = first.get("value")
        formatted = first.get("formatted")
        try:
            value, status = parse_number(raw_value if raw_value is not None else formatted)
        except ValueError as exc:
            rejects.append(Reject(index, "values[0].value", str(exc), row))
            continue
        records.append(
            {
                "area_code": str(area),
                "area_label": _get(row, "area", "label"),
                "metric_id": str(metric),
                "period_id": str(period),
                "period_label": _get(row, "period", "label"),
                "value": value,
                "value_formatted": formatted,
                "value_status": status,
                "_source_row": index,
            }
        )
    frame = pd.DataFrame.from_records(records)
    if not records:
        frame = pd.DataFrame(columns=["area_code", "area_label", "metric_id", "period_id", "period_label",
                                      "value", "value_formatted", "value_status", "_source_row"])
    frame["value"] = frame["value"].astype("float64")
    return Parsed({"values": frame}, rejects, rows_read=len(rows))
