"""Read-only access to the published warehouse, for analysts, reports and the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from core.errors import SliError
from core.settings import Paths

if TYPE_CHECKING:
    import pandas as pd

# An analyst's SQL reaches the published tables and nothing else: no file outside them (read_csv, COPY,
# ATTACH, EXPORT), no extension, and no setting can be changed back once the connection is open.
_LOCKED_DOWN = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


def connect(paths: Paths, writes_files: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the published file read-only: writes to it fail, and no writer ever holds this file.

    WRITES_FILES leaves file access on, for the project's own export (which names its files as values);
    never for SQL a user typed."""
    if not paths.published.exists():
        raise SliError(f"no published warehouse at {paths.published}: run `sli refresh` first")
    return open_read_only(paths.published, writes_files)


def open_read_only(database: Path, writes_files: bool = False) -> duckdb.DuckDBPyConnection:
    """DATABASE, read-only and locked down; a file that is not DuckDB's fails here (nothing is fetched to
    read it)."""
    return duckdb.connect(
        str(database), read_only=True, config={**_LOCKED_DOWN, "enable_external_access": writes_files}
    )


def frame(connection: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> pd.DataFrame:
    """QUERY's rows as a DataFrame, each column as DuckDB typed it (dates stay dates, not timestamps)."""
    import pandas as pd

    cursor = connection.execute(query, params or [])
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])
