"""Errors that name the file, row, column and reason, so a data engineer can act on them."""

from __future__ import annotations

from core.text import visible


class SliError(Exception):
    """Base class for every error the pipeline reports to a user."""


class UsageError(SliError):
    """The request itself is wrong (a path that is not there, an unknown name or parameter): asking again
    gives the same answer, so a scheduler must not retry it."""


class InputError(SliError):
    """A landed file whose structure is wrong: the whole file is rejected."""

    def __init__(self, file: str, reason: str, row: int | None = None, column: str | None = None):
        self.file, self.reason, self.row, self.column = file, reason, row, column
        # Names and cells come from the input: shown with their control characters as escapes.
        where = [f"file {visible(file)}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {visible(repr(column))}")
        super().__init__(f"{', '.join(where)}: {visible(reason)}")


class AuditError(SliError):
    """The candidate warehouse failed a check: it is not published."""


class PublishError(SliError):
    """The candidate cannot be published (missing, or not audited)."""


class BuildError(SliError):
    """dbt could not build the candidate warehouse."""
