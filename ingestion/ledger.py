"""The load ledger: one row per load attempt, in SQLite so parallel ingest tasks can share it."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SCHEMA = """
create table if not exists loads (
    load_id        text primary key,
    source         text not null,
    file_name      text not null,
    file_sha256    text not null,
    landed_path    text not null,
    status         text not null check (status in ('running', 'loaded', 'rejected', 'failed')),
    rows_read      integer,
    rows_accepted  integer,
    rows_rejected  integer,
    message        text,
    started_at     text not null,
    finished_at    text
);
create index if not exists loads_by_hash on loads (source, file_sha256, status);
"""


@dataclass(frozen=True)
class LoadRecord:
    load_id: str
    source: str
    file_name: str
    file_sha256: str
    status: str
    rows_read: int | None
    rows_accepted: int | None
    rows_rejected: int | None
    message: str | None
    started_at: str
    finished_at: str | None


class Ledger:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # WAL + a generous busy timeout: parallel ingest tasks append without failing on a lock.
        conn = sqlite3.connect(self.path, timeout=60)
        try:
            conn.execute("pragma journal_mode=wal")
            with conn:
                yield conn
        finally:
            conn.close()

    def is_loaded(self, source: str, sha256: str) -> bool:
        with self._connect() as conn:
            row = conn.execute(
                "select 1 from loads where source = ? and file_sha256 = ? and status = 'loaded'",
                (source, sha256),
            ).fetchone()
        return row is not None

    def start(self, load_id: str, source: str, file_name: str, sha256: str, landed: str, at: str) -> None:
        with self._connect() as conn:
            conn.execute(
                "insert into loads (load_id, source, file_name, file_sha256, landed_path, status, started_at)"
                " values (?, ?, ?, ?, ?, 'running', ?)",
                (load_id, source, file_name, sha256, landed, at),
            )

    def finish(
        self,
        load_id: str,
        status: str,
        at: str,
        rows_read: int | None = None,
        rows_accepted: int | None = None,
        rows_rejected: int | None = None,
        message: str | None = None,
    ) -> None:
        with self._connect() as conn:
            conn.execute(
                "update loads set status = ?, finished_at = ?, rows_read = ?, rows_accepted = ?,"
                " rows_rejected = ?, message = ? where load_id = ?",
                (status, at, rows_read, rows_accepted, rows_rejected, message, load_id),
            )

    def records(self, source: str | None = None) -> list[LoadRecord]:
        query = (
            "select load_id, source, file_name, file_sha256, status, rows_read, rows_accepted,"
            " rows_rejected, message, started_at, finished_at from loads"
        )
        params: tuple = ()
        if source:
            query += " where source = ?"
            params = (source,)
        with self._connect() as conn:
            rows = conn.execute(query + " order by started_at, load_id", params).fetchall()
        return [LoadRecord(*row) for row in rows]
