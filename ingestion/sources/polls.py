"""LGA resident satisfaction poll releases: one round per CSV or .xlsx file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.errors import InputError
from ingestion import aliases
from ingestion.contracts import POLL_ANSWERS
from ingestion.sources.common import (
    Parsed,
    Reject,
    parse_date,
    parse_number,
    parse_whole_number,
    read_sheet,
    title_values,
)

ROUND_FIELDS = ["Round", "Fieldwork start", "Fieldwork end", "Base"]
# Which column holds the figures says their scale: percentage points, or proportions of 1.
POINTS_COLUMNS = ("percent", "percentage", "%")
PROPORTION_COLUMNS = ("proportion", "percent (0-1)")
SUM_TOLERANCE = 2.0


def _percent(text: str, proportion: bool) -> tuple[float | None, str]:
    value, status = parse_number(text)
    if value is not None and proportion and not text.strip().endswith("%"):
        value *= 100
    return value, status


def parse(path: Path) -> Parsed:
    fmt = POLL_ANSWERS.formats[0]
    table = read_sheet(path, fmt)
    proportion = any(name in table.header for name in PROPORTION_COLUMNS)
    value_column = next((name for name in PROPORTION_COLUMNS + POINTS_COLUMNS if name in table.header), None)
    if value_column is None:
        raise InputError(path.name, "missing column: Percent (or Proportion)", row=1)
    above = title_values(table.title_rows, ROUND_FIELDS)
    records, rejects = [], []
    for number, raw in table.records:
        fields = {
            key: raw.get(key) or above.get(key, "") for key in ("round", "fieldwork start", "fieldwork end", "base")
        }
        column = "Round"
        try:
            round_number = parse_whole_number(fields["round"])
            column = "Fieldwork start"
            start = parse_date(fields["fieldwork start"])
            column = "Fieldwork end"
            end = parse_date(fields["fieldwork end"])
            column = "Base"
            base = parse_whole_number(fields["base"])
            column = value_column
            percent, status = _percent(raw[value_column], proportion)
        except (ValueError, TypeError) as exc:
            text = fields.get(column.lower(), raw.get(column.lower(), ""))
            reason = (
                f"{column} is missing (a column, or a '{column}: ...' row above the table)"
                if not text
                else f"cannot read {text!r}: {exc}"
            )
            rejects.append(Reject(number, column, reason, raw))
            continue
        records.append(
            {
                "round_number": round_number,
                "fieldwork_start": start,
                "fieldwork_end": end,
                "base_n": base,
                "question_code": raw["question code"],
                "question_text": raw.get("question") or None,
                "answer_option": raw["answer"],
                "percent": percent,
                "value_status": status,
                "_source_row": number,
            }
        )
    records, unknown = _named(records, dict(table.records))
    frame = pd.DataFrame.from_records(records, columns=POLL_ANSWERS.column_names + ["_source_row"])
    if not unknown:  # else the release is rejected for its names: its sums would only repeat them
        _check_round(path, frame)
    return Parsed({"answers": frame}, sorted(rejects + unknown, key=lambda r: r.row), rows_read=len(table.records))


def _named(records: list[dict], raws: dict[int, dict]) -> tuple[list[dict], list[Reject]]:
    """Questions and answers by the project's names, however the file spells them; a row naming a question
    or an answer that is not known is rejected (a release is loaded whole or not at all)."""
    kept, rejects = [], []
    for record in records:
        code = aliases.resolve("poll_question", record["question_code"])
        answer = aliases.resolve("poll_answer", record["answer_option"])
        if code is None:
            reason, column = f"unknown question {record['question_code']!r}", "Question code"
        elif answer is None:
            reason = f"unknown answer option {record['answer_option']!r} (known: {aliases.known('poll_answer')})"
            column = "Answer"
        else:
            kept.append({**record, "question_code": code, "answer_option": answer})
            continue
        rejects.append(Reject(record["_source_row"], column, reason, raws[record["_source_row"]]))
    return kept, rejects


def _check_round(path: Path, frame: pd.DataFrame) -> None:
    """The file rules: one round, fieldwork in order, every question's options summing to 100 +/- 2."""
    if frame.empty:
        return
    rounds = sorted(int(r) for r in frame["round_number"].unique())
    if len(rounds) > 1:
        raise InputError(
            path.name, f"one round per file expected, found rounds {', '.join(map(str, rounds))}", column="Round"
        )
    backwards = frame[frame["fieldwork_start"] > frame["fieldwork_end"]]
    if len(backwards):
        row = backwards.iloc[0]
        raise InputError(
            path.name,
            f"fieldwork starts ({row.fieldwork_start}) after it ends ({row.fieldwork_end})",
            row=int(row._source_row),
            column="Fieldwork start",
        )
    sums = frame.groupby("question_code")["percent"].agg(["sum", "count"])
    off = sums[(sums["count"] > 0) & ((sums["sum"] - 100).abs() > SUM_TOLERANCE)]
    if len(off):
        detail = "; ".join(f"{code} sums to {total:g}" for code, total in off["sum"].items())
        raise InputError(
            path.name,
            f"answer options must sum to 100 ± {SUM_TOLERANCE:g}: {detail} (are proportions in a Percent column?)",
            column="Percent",
        )
