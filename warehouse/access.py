"""Read-only access to the published warehouse, for analysts, reports and the CLI."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from core import duckdb_limits
from core.errors import SliError
from core.settings import Paths

if TYPE_CHECKING:
    import pandas as pd

# An analyst's SQL reaches the published tables and nothing else: no file outside them (read_csv, COPY,
# ATTACH, EXPORT), no extension, and no setting can be changed back once the connection is open.
_LOCKED_DOWN = {
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
}


def connect(paths: Paths, writes_files: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the published file read-only: writes to it fail, and no writer ever holds this file.

    WRITES_FILES leaves file access on, for the project's own export (which names its files as values);
    never for SQL a user typed."""
    if not paths.published.exists():
        raise SliError(f"no published warehouse at {paths.published}: run `sli refresh` first")
    try:
        connection = open_read_only(paths.published, writes_files)
        connection.execute("select count(*) from meta.build_info").fetchall()
    except duckdb.Error as exc:
        raise SliError(
            f"the published warehouse {paths.published} cannot be read ({str(exc).splitlines()[0]}): it is"
            " damaged; `sli rollback` puts back the previous one"
        ) from None
    return connection


def query_limits(environ: dict[str, str] | None = None) -> dict[str, str]:
    """What one reader's queries may take: memory, and spill in a private folder of the system's temp,
    never beside the published file (SLI_SQL_MEMORY_MB, SLI_SQL_SPILL_MB)."""
    env = os.environ if environ is None else environ
    return duckdb_limits.limits(
        memory=f"{float(env.get('SLI_SQL_MEMORY_MB') or 2048):g}MB",
        spill=f"{float(env.get('SLI_SQL_SPILL_MB') or 4096):g}MB",
    )


def open_read_only(database: Path, writes_files: bool = False) -> duckdb.DuckDBPyConnection:
    """DATABASE, read-only and locked down, within the query limits; a file that is not DuckDB's fails here
    (nothing is fetched to read it)."""
    connection = duckdb.connect(str(database), read_only=True, config={**query_limits(), **_LOCKED_DOWN})
    # Set after opening: with file access off from the start, DuckDB refuses to be given a temp folder.
    if not writes_files:
        connection.execute("set enable_external_access = false")
    connection.execute("set lock_configuration = true")
    return connection


def run_query(
    connection: duckdb.DuckDBPyConnection, query: str, seconds: float
) -> tuple[list[str], list[tuple]] | None:
    """QUERY's columns and rows, stopped after SECONDS. It runs in a worker thread so that this one stays
    free to answer a timeout or a signal (SIGTERM, Ctrl-C) at once by interrupting DuckDB."""
    outcome: dict = {}
    done = threading.Event()  # not Thread.join: a signal raised inside join can leave it saying "ended" early

    def work() -> None:
        try:
            relation = connection.sql(query)
            outcome["result"] = None if relation is None else (relation.columns, relation.fetchall())
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    ends = time.monotonic() + seconds
    threading.Thread(target=work, daemon=True).start()
    try:
        while not done.wait(0.05):
            if time.monotonic() > ends:
                connection.interrupt()
                done.wait()
                raise SliError(f"query stopped after {seconds:g} s, the most a query may run (SLI_SQL_SECONDS)")
    except BaseException:
        connection.interrupt()
        done.wait(5)
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def frame(connection: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> pd.DataFrame:
    """QUERY's rows as a DataFrame, each column as DuckDB typed it (dates stay dates, not timestamps)."""
    import pandas as pd

    cursor = connection.execute(query, params or [])
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])
