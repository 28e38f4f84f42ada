"""Text from inputs: made safe to print (a file name or a cell can hold newlines and terminal escapes), and
cleaned of the characters no one can see."""

from __future__ import annotations

import re


def visible(text: object) -> str:
    """TEXT with every character that is not printable (newlines, tabs, escape sequences, invisible format
    characters) written as its escape, so a name taken from an input cannot forge a line of output or
    restyle the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(text))


# What a spreadsheet reads as the start of a formula (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe, which spreadsheets show as text;
    anything else is returned as it is."""
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_START) else cell


def spreadsheet_safe_sql(column: str) -> str:
    """`spreadsheet_safe` as a DuckDB expression over the text column COLUMN (a quoted identifier)."""
    starts = "".join({"\t": "\\t", "\r": "\\r", "-": "\\-"}.get(c, c) for c in FORMULA_START)
    return f"case when regexp_matches({column}, '^[{starts}]') then '''' || {column} else {column} end"


# Characters no one can see in a cell: removed (zero-width, byte-order mark, soft hyphen) or made a plain
# space (no-break spaces), so that `council_satisfaction\u200b` is the code it looks like.
INVISIBLE = str.maketrans(
    {"\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None}
    | dict.fromkeys(["\u00a0", "\u2007", "\u202f"], " ")
)
_ANY_INVISIBLE = re.compile("[" + "".join(map(chr, INVISIBLE)) + "]")


def without_invisible(text: str) -> str:
    """TEXT with the characters no one can see removed or made plain spaces (a search first: most files have none)."""
    return text.translate(INVISIBLE) if _ANY_INVISIBLE.search(text) else text
