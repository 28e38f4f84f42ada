"""Read-only access to the published warehouse, for analysts, reports and the CLI."""

from __future__ import annotations

import duckdb

from ingestion.errors import SliError
from ingestion.settings import Paths


def connect(paths: Paths) -> duckdb.DuckDBPyConnection:
    """Open the published file read-only: writes fail, and no writer ever holds this file."""
    if not paths.published.exists():
        raise SliError(f"no published warehouse at {paths.published}: run `sli refresh` first")
    return duckdb.connect(str(paths.published), read_only=True)
