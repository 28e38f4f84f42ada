"""The raw zone: typed rows with lineage, one Parquet file per load and table."""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime
from pathlib import Path

import pandas as pd

from ingestion.sources.common import Reject


def write_table(frame: pd.DataFrame, target: Path, load_id: str, source_file: str, loaded_at: datetime) -> None:
    """Write atomically: a reader sees the whole file or none of it."""
    frame = frame.assign(_load_id=load_id, _source_file=source_file, _loaded_at=pd.Timestamp(loaded_at))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    frame.to_parquet(partial, index=False)
    os.replace(partial, target)


def write_quarantine(rejects: list[Reject], target: Path, source_file: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "column", "reason", "raw"])
        for reject in rejects:
            writer.writerow([source_file, reject.row, reject.column, reject.reason,
                             json.dumps(reject.raw, default=str, ensure_ascii=False)])
    os.replace(partial, target)
