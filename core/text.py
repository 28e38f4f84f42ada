"""Text from inputs, made safe to print: a file name or a cell can hold newlines and terminal escapes."""

from __future__ import annotations


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
