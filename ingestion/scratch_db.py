"""A private in-memory DuckDB for reshaping and checking parsed rows in SQL.

Opening a database costs tens of milliseconds, so a process keeps one and each use takes a cursor of
its own (its registered tables are its own). It works only on tables handed to it: it cannot read or
write files.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import duckdb

from core import duckdb_limits


@lru_cache(maxsize=1)
def _database() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(config=duckdb_limits.limits())
    # Set after opening: with file access off from the start, DuckDB refuses to be given a spill folder.
    connection.execute("set enable_external_access = false")
    return connection


@contextmanager
def session(**tables) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on which each keyword's Arrow table or pandas frame is a view of that name."""
    cursor = _database().cursor()
    try:
        for name, table in tables.items():
            cursor.register(name, table)
        yield cursor
    finally:
        cursor.close()
