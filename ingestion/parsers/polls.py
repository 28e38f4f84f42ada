"""LGA resident satisfaction poll releases: one round per CSV or .xlsx file, in the project's layout or as
the LGA prints a round (question wording, `Round 19`, fieldwork as one range, total rows)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from core.errors import InputError
from ingestion import aliases
from ingestion.parsers.common import (
    Parsed,
    Reject,
    Sheet,
    normalise_header,
    parse_date,
    parse_number,
    parse_whole_number,
    read_sheet,
    title_values,
)
from ingestion.sources.polls import POLL_ANSWERS, POLL_HEADLINES

ROUND_FIELDS = ["Round", "Fieldwork start", "Fieldwork end", "Fieldwork", "Base"]
# A total the release prints beside its parts: `Very/fairly satisfied` = `Very satisfied` + `Fairly satisfied`.
_NET = re.compile(r"^(?:very\s*/\s*fairly|fairly\s*/\s*very)\s+(.+)$", re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:-|–|—|\bto\b)\s*")
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
# Which column holds the figures says their scale: percentage points, or proportions of 1.
POINTS_COLUMNS = ("percent", "percentage", "%")
PROPORTION_COLUMNS = ("proportion", "percent (0-1)")
SUM_TOLERANCE = 2.0


def _percent(text: str, proportion: bool) -> tuple[float | None, str]:
    value, status = parse_number(text)
    if value is not None and proportion and not text.strip().endswith("%"):
        value *= 100
    return value, status


def _round(text: str) -> int:
    """`19`, `Round 19`, `Round: 19`."""
    return parse_whole_number(re.sub(r"^\s*round\s*:?\s*", "", str(text), flags=re.IGNORECASE))


def fieldwork_range(text: str) -> tuple[date, date]:
    """One range as releases print it: `8-11 February 2018`, `28 February - 3 March 2018`, `28 December 2017
    to 2 January 2018`; the start borrows the month and year the end gives."""
    cleaned = _ORDINAL.sub(r"\1", str(text).strip())
    parts = _RANGE.split(cleaned, maxsplit=1)
    if len(parts) != 2:
        raise ValueError(f"not a fieldwork range (e.g. 8-11 February 2018): {text!r}")
    first, last = parts
    end = parse_date(last)
    words = first.split()
    if len(words) == 1:  # `8`
        first = f"{words[0]} {end:%B %Y}"
    elif len(words) == 2:  # `28 February`
        first = f"{first} {end.year}"
    start = parse_date(first)
    if start > end and len(words) == 2:  # `28 December - 2 January 2018`: the start is in the year before
        start = start.replace(year=start.year - 1)
    return start, end


class _Unreadable(Exception):
    def __init__(self, reject: Reject):
        self.reject = reject


def _round_details(number: int, raw: dict, above: dict, value_column: str, read_value) -> tuple[dict, float, str]:
    """A row's round fields (round, fieldwork start and end, base: each from its column or a `Name: value`
    row above the table), its value and the value's status; a field that cannot be read raises _Unreadable
    naming it."""
    fields = {
        key: raw.get(key) or above.get(key, "")
        for key in ("round", "fieldwork start", "fieldwork end", "fieldwork", "base")
    }
    column = "Round"
    try:
        round_number = _round(fields["round"])
        if fields["fieldwork"] and not (fields["fieldwork start"] or fields["fieldwork end"]):
            column = "Fieldwork"
            start, end = fieldwork_range(fields["fieldwork"])
        else:
            column = "Fieldwork start"
            start = parse_date(fields["fieldwork start"])
            column = "Fieldwork end"
            end = parse_date(fields["fieldwork end"])
        column = "Base"
        base = parse_whole_number(fields["base"])
        column = value_column
        value, status = read_value(raw[value_column.lower()])
    except (ValueError, TypeError) as exc:
        text = fields.get(column.lower(), raw.get(column.lower(), ""))
        reason = (
            f"{column} is missing (a column, or a '{column}: ...' row above the table)"
            if not text
            else f"cannot read {text!r}: {exc}"
        )
        raise _Unreadable(Reject(number, column, reason, raw)) from None
    details = {"round_number": round_number, "fieldwork_start": start, "fieldwork_end": end, "base_n": base}
    return details, value, status


def parse(path: Path) -> Parsed:
    table = read_sheet(path, [*POLL_ANSWERS.formats, *POLL_HEADLINES.formats])
    above = title_values(table.title_rows, ROUND_FIELDS)
    headlines, tracking = POLL_HEADLINES.formats
    if table.format is headlines:
        return _headlines(table, above)
    if table.format is tracking:
        return _tracking(path, table)
    proportion = any(name in table.header for name in PROPORTION_COLUMNS)
    value_column = next((name for name in PROPORTION_COLUMNS + POINTS_COLUMNS if name in table.header), None)
    if value_column is None:
        raise InputError(path.name, "missing column: Percent (or Proportion)", row=1)
    records, rejects, totals = [], [], []
    for number, raw in table.records:
        question = raw.get("question code") or raw.get("question", "")
        net = _NET.match(raw["answer"])
        if net:  # checked against its parts below, never stored or summed with them
            totals.append((number, question, raw["answer"], net.group(1), raw[value_column]))
            continue
        try:
            details, percent, status = _round_details(
                number, raw, above, value_column, lambda text: _percent(text, proportion)
            )
        except _Unreadable as unreadable:
            rejects.append(unreadable.reject)
            continue
        records.append(
            {
                **details,
                "question_code": question,
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
        _check_totals(path, frame, totals, proportion)
    labels = ", ".join(sorted({total[2] for total in totals}))
    warnings = [f"{len(totals)} total row(s) ({labels}) checked against their parts, not stored"] if totals else []
    rows = len(table.records) - len(totals)
    return Parsed({"answers": frame}, sorted(rejects + unknown, key=lambda r: r.row), rows_read=rows, warnings=warnings)


def _check_totals(path: Path, frame: pd.DataFrame, totals: list, proportion: bool) -> None:
    """A total row (`Very/fairly satisfied`) must be the sum of its parts (`Very satisfied`, `Fairly satisfied`)
    within rounding: a release whose total disagrees has a typo somewhere, and which figure is wrong cannot be
    told."""
    for number, question, label, what, text in totals:
        code = aliases.resolve("poll_question", question)
        parts = [aliases.resolve("poll_answer", f"{degree} {what}") for degree in ("Very", "Fairly")]
        total, _ = _percent(text, proportion)
        mine = frame[(frame["question_code"] == code) & frame["answer_option"].isin(parts)]
        if code is None or None in parts or len(mine) != 2 or total is None:
            raise InputError(path.name, f"a total row {label!r} whose parts are not both in the release", row=number)
        summed = float(mine["percent"].sum())
        if abs(summed - total) > SUM_TOLERANCE:
            raise InputError(
                path.name,
                f"the total {label!r} ({total:g}) is not the sum of its parts ({summed:g}):"
                " which figure is wrong cannot be told",
                row=number,
                column="Answer",
            )


def _headline(details: dict, indicator: str, share: float | None, status: str, number: int) -> dict:
    """One row of the headlines table: a round's details and an indicator's share in it."""
    return {
        **details,
        "indicator_code": indicator,
        "pct_satisfied": share,
        "value_status": status,
        "_source_row": number,
    }


def _headlines(table: Sheet, above: dict) -> Parsed:
    """Headline shares of whole rounds (several rounds a file); a row whose indicator is unknown or whose
    fields cannot be read is quarantined."""
    records, rejects = [], []
    for number, raw in table.records:
        indicator = aliases.resolve("poll_question", raw["indicator"])
        if indicator is None:
            nearest = aliases.nearest("poll_question", raw["indicator"])
            reason = f"unknown indicator {raw['indicator']!r}" + (f"; nearest known: {nearest}" if nearest else "")
            rejects.append(Reject(number, "Indicator", reason, raw))
            continue
        try:
            details, share, status = _round_details(number, raw, above, "% satisfied", parse_number)
        except _Unreadable as unreadable:
            rejects.append(unreadable.reject)
            continue
        records.append(_headline(details, indicator, share, status, number))
    frame = pd.DataFrame.from_records(records, columns=POLL_HEADLINES.column_names + ["_source_row"])
    return Parsed({"headlines": frame}, rejects, rows_read=len(table.records))


def _tracking(path: Path, table: Sheet) -> Parsed:
    """Rounds across the columns: `Fieldwork` and `Base` rows give each round's details, and each other row
    is an indicator's share per round."""
    rounds = {
        position: _round(given)
        for position, (name, given) in enumerate(zip(table.header, table.header_as_given))
        if re.fullmatch(r"round\s*:?\s*\d+", name)
    }
    if not rounds:
        # Most likely the headline figures table with a column missing: say which, as for any other layout.
        missing = [name for name in POLL_HEADLINES.formats[0].columns if normalise_header(name) not in table.header]
        raise InputError(
            path.name,
            f"missing column(s): {', '.join(missing)} (headline figures by round), and no `Round N` columns"
            " (a tracking table)",
            row=len(table.title_rows) + 1,
        )
    columns = POLL_HEADLINES.column_names + ["_source_row"]
    if not table.body:  # a header alone: the loader says there is nothing to load
        return Parsed({"headlines": pd.DataFrame(columns=columns)})
    label = table.header.index("indicator")

    def label_of(row: list[str]) -> str:
        return normalise_header(row[label]) if label < len(row) else ""

    by_label = {label_of(row): (number, row) for number, row in table.body}
    details = {}
    for field in ("fieldwork", "base"):
        if field not in by_label:
            raise InputError(path.name, f"rounds across the columns need a {field.title()!r} row", column="Indicator")
    fieldwork_row, base_row = by_label["fieldwork"], by_label["base"]
    for position, round_number in rounds.items():
        column = table.header_as_given[position]
        try:
            start, end = fieldwork_range(fieldwork_row[1][position])
            base = parse_whole_number(base_row[1][position])
        except (ValueError, TypeError, IndexError) as exc:
            raise InputError(path.name, f"round {round_number}'s fieldwork or base: {exc}", column=column) from None
        details[position] = {
            "round_number": round_number,
            "fieldwork_start": start,
            "fieldwork_end": end,
            "base_n": base,
        }
    records, rejects = [], []
    for number, row in table.body:
        if label_of(row) in ("fieldwork", "base"):
            continue
        raw = table.record(row)
        indicator = aliases.resolve("poll_question", raw["indicator"])
        for position in rounds:
            text = row[position] if position < len(row) else ""
            if not str(text).strip():
                continue  # that round did not ask it
            if indicator is None:  # one reject for the row, not one per round
                rejects.append(Reject(number, "Indicator", f"unknown indicator {raw['indicator']!r}", raw))
                break
            try:
                share, status = parse_number(text)
            except ValueError as exc:
                rejects.append(Reject(number, table.header_as_given[position], str(exc), raw))
                continue
            records.append(_headline(details[position], indicator, share, status, number))
    frame = pd.DataFrame.from_records(records, columns=columns)
    return Parsed({"headlines": frame}, rejects, rows_read=len(records) + len(rejects))


def _named(records: list[dict], raws: dict[int, dict]) -> tuple[list[dict], list[Reject]]:
    """Questions and answers by the project's names, however the file spells them; a row naming a question
    or an answer that is not known is rejected (a release is loaded whole or not at all)."""
    kept, rejects = [], []
    for record in records:
        code = aliases.resolve("poll_question", record["question_code"])
        answer = aliases.resolve("poll_answer", record["answer_option"])
        if code is None:
            nearest = aliases.nearest("poll_question", record["question_code"])
            reason = f"unknown question {record['question_code']!r}" + (
                f"; nearest known: {nearest}" if nearest else ""
            )
            column = "Question code"
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
