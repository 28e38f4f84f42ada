"""Look councils up in the register seed: code status, and names as publications spell them."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd

from ingestion.council_register import SEED_PATH

_LEADING = (
    "london borough of",
    "royal borough of",
    "metropolitan borough of",
    "borough of",
    "city and county of",
    "city of",
    "county of",
    "the",
)
_TRAILING = (
    "metropolitan borough council",
    "metropolitan district council",
    "borough council",
    "district council",
    "city council",
    "county council",
    "council",
    "corporation",
    "city of",
    "county of",
)


def name_keys(name: str) -> set[str]:
    """Spellings of one council that should match: case, spacing, '&'/'and', 'Borough Council', 'City of'."""
    text = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and ").replace("'", "").replace("’", ""))
    text = " ".join(text.split())
    changed = True
    while changed:
        changed = False
        for prefix in _LEADING:
            if text.startswith(prefix + " "):
                text, changed = text[len(prefix) + 1 :], True
        for suffix in _TRAILING:
            if text.endswith(" " + suffix):
                text, changed = text[: -len(suffix) - 1], True
    keys = {text}
    if text.startswith("county "):  # "County Durham" is also published as "Durham County Council"
        keys.add(text[len("county ") :])
    return keys


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    start: date
    end: date | None

    def exists_on(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


class CouncilRegister:
    def __init__(self, councils: list[Council]):
        self.by_code = {council.code: council for council in councils}
        self._by_key: dict[str, list[Council]] = {}
        for council in councils:
            for key in name_keys(council.name):
                self._by_key.setdefault(key, []).append(council)

    def statuses(self, codes: pd.Series) -> pd.Series:
        """`current`, `retired` (abolished: kept, it was real then) or `unknown` (not a principal council)."""
        lookup = {code: ("retired" if c.end else "current") for code, c in self.by_code.items()}
        return codes.map(lookup).fillna("unknown")

    def resolve(self, name: str, on: date) -> tuple[str | None, str]:
        """(code, '') when one council matches; (None, why) otherwise."""
        candidates = {c.code: c for key in name_keys(name) for c in self._by_key.get(key, [])}
        if not candidates:
            return None, "not in the council register"
        if len(candidates) > 1:
            existing = [c for c in candidates.values() if c.exists_on(on)]
            if len(existing) != 1:
                return None, f"ambiguous: {', '.join(sorted(candidates))}"
            return existing[0].code, ""
        return next(iter(candidates)), ""


@lru_cache(maxsize=1)
def register() -> CouncilRegister:
    with SEED_PATH.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return CouncilRegister(
        [
            Council(
                row["council_code"],
                row["council_name"],
                date.fromisoformat(row["start_date"]) if row["start_date"] else date.min,
                date.fromisoformat(row["end_date"]) if row["end_date"] else None,
            )
            for row in rows
        ]
    )
