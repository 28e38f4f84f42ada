"""Text from inputs, made safe to print: a file name or a cell can hold newlines and terminal escapes."""

from __future__ import annotations


def visible(text: object) -> str:
    """TEXT with every character that is not printable (newlines, tabs, escape sequences, invisible format
    characters) written as its escape, so a name taken from an input cannot forge a line of output or
    restyle the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(text))
