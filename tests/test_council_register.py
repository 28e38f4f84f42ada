"""The council register seed: today's 317 councils, the abolished ones and their successors."""

from __future__ import annotations

import csv
from collections import Counter

import qlacref_authorities

from ingestion.council_register import FIELDS, SEED_PATH, SUCCESSIONS_PATH, build_rows


def _read(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_committed_seeds_match_the_builder():
    register, successions = build_rows(qlacref_authorities.records)
    assert _read(SEED_PATH) == [{k: row[k] for k in FIELDS} for row in register]
    assert _read(SUCCESSIONS_PATH) == successions


def test_current_councils_by_type():
    current = [row for row in _read(SEED_PATH) if not row["end_date"]]
    assert Counter(row["council_type"] for row in current) == {
        "district": 164,
        "unitary": 63,
        "metropolitan district": 36,
        "london borough": 33,
        "county": 21,
    }
    assert all(row["region_name"] for row in current)


def test_reorganisations_have_end_dates_and_successors():
    rows = {row["council_code"]: row for row in _read(SEED_PATH)}
    assert rows["E07000163"]["end_date"] == "2023-03-31" and rows["E07000163"]["successor_code"] == "E06000065"
    assert rows["E06000065"]["start_date"] == "2023-04-01"
    assert rows["E06000028"]["successor_code"] == "E06000058"  # Bournemouth -> BCP, 2019
    # Cumbria was split in two: no single successor, two rows in the successions seed.
    assert rows["E10000006"]["successor_code"] == ""
    split = [s["successor_code"] for s in _read(SUCCESSIONS_PATH) if s["predecessor_code"] == "E10000006"]
    assert split == ["E06000063", "E06000064"]
    assert not any(code.startswith("W") for code in rows)
