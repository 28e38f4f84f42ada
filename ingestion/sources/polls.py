"""LGA resident satisfaction poll releases: one CSV or .xlsx table per round."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingestion.sources.common import Parsed, Reject, parse_date, parse_number, read_table

COLUMNS = ["Round", "Fieldwork start", "Fieldwork end", "Base", "Question code", "Question", "Answer", "Percent"]


def parse(path: Path) -> Parsed:
    _, table = read_table(path, COLUMNS)
    records, rejects = [], []
    for number, raw in table:
        column = "Round"
        try:
            round_number = int(raw["Round"])
            column = "Fieldwork start"
            start = parse_date(raw["Fieldwork start"])
            column = "Fieldwork end"
            end = parse_date(raw["Fieldwork end"])
            column = "Base"
            base = int(parse_number(raw["Base"])[0])
            column = "Percent"
            percent, status = parse_number(raw["Percent"])
        except (ValueError, TypeError) as exc:
            rejects.append(Reject(number, column, f"cannot read {raw[column]!r}: {exc}", raw))
            continue
        if not raw["Question code"] or not raw["Answer"]:
            rejects.append(Reject(number, "Question code", "question code and answer are required", raw))
            continue
        records.append(
            {
                "round_number": round_number,
                "fieldwork_start": start,
                "fieldwork_end": end,
                "base_n": base,
                "question_code": raw["Question code"],
                "question_text": raw["Question"],
                "answer_option": raw["Answer"],
                "percent": percent,
                "value_status": status,
                "_source_row": number,
            }
        )
    return Parsed({"answers": pd.DataFrame.from_records(records)}, rejects, rows_read=len(table))
