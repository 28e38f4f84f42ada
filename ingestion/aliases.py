"""Names as publishers write them, resolved to the measures the overview counts.

The `measure_aliases` seed maps published names to measures; the `poll_questions` and
`poll_answer_options` seeds are their own names. Names match whatever their case, spacing, underscores,
hyphens, curly quotes or invisible characters, so `Capital receipts`, `capital_receipts` and
`CAPITAL  RECEIPTS` are one measure. A name that matches nothing is the caller's to quarantine.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from functools import lru_cache

from core.settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def key(name: str) -> str:
    """NAME as it is matched: NFKC, invisible (format) characters dropped, quotes straightened, lower case,
    punctuation but apostrophes dropped (a question's `?`, a label's `,`), underscores and hyphens as spaces,
    runs of spaces as one."""
    text = "".join(c for c in unicodedata.normalize("NFKC", name) if unicodedata.category(c) != "Cf")
    text = re.sub(r"[^\w\s']", " ", text.translate(_QUOTES))
    return re.sub(r"[\s_]+", " ", text).strip().lower()


def _seed(name: str) -> list[dict]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=8)
def names(kind: str) -> dict[str, str]:
    """KIND's published names (as `key`s) and the measure each stands for: the measures' own names
    (canonical ids, questions' codes and wording, answer labels) and the seed's aliases."""
    own: dict[str, str] = {}
    if kind == "poll_question":
        for row in _seed("poll_questions.csv"):
            own[key(row["question_code"])] = row["question_code"]
            own[key(row["question_text"])] = row["question_code"]
            own[key(row["indicator_label"])] = row["question_code"]
    elif kind == "poll_answer":
        own = {key(row["answer_option"]): row["answer_option"] for row in _seed("poll_answer_options.csv")}
    aliases = [row for row in _seed("measure_aliases.csv") if row["kind"] == kind]
    own |= {key(row["measure"]): row["measure"] for row in aliases}  # a measure's id names it too
    return own | {key(row["published_name"]): row["measure"] for row in aliases}


def resolve(kind: str, name: str | None) -> str | None:
    return names(kind).get(key(name)) if name else None


def nearest(kind: str, name: str) -> str | None:
    """The known name of KIND closest to NAME, for an error message (`council_satisfaction`: "Overall, ...")."""
    match = difflib.get_close_matches(key(name), list(names(kind)), n=1, cutoff=0.6)
    return f"{names(kind)[match[0]]} ({match[0]!r})" if match else None


def known(kind: str) -> str:
    """KIND's measures, for an error message."""
    return ", ".join(sorted(set(names(kind).values())))
