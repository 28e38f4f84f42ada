"""The load ledger: one row per load attempt, in SQLite so parallel ingest tasks can share it."""

from __future__ import annotations

import json
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
-- One row per API fetch: what it asked for and what is left, so a stopped run resumes where it was.
create table if not exists api_runs (
    run_id         text primary key,
    source         text not null,
    status         text not null check (status in ('running', 'stopped', 'complete', 'failed')),
    changed_since  text,
    pending        text not null,  -- JSON list of the metric ids still to fetch
    total          integer not null,
    started_at     text not null,
    finished_at    text,
    message        text
);
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


@dataclass
class ApiRun:
    run_id: str
    source: str
    status: str  # running | stopped (quota: resume next time) | complete | failed
    changed_since: str | None
    pending: list[str]
    total: int
    started_at: str
    finished_at: str | None = None
    message: str | None = None


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

    def complete_loads(self) -> set[str]:
        with self._connect() as conn:
            return {row[0] for row in conn.execute("select load_id from loads where status = 'loaded'")}

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

    def _find_api_run(self, where: str, params: tuple) -> ApiRun | None:
        with self._connect() as conn:
            row = conn.execute(
                "select run_id, source, status, changed_since, pending, total, started_at, finished_at, message"
                f" from api_runs where {where} order by started_at desc, run_id desc limit 1", params,
            ).fetchone()
        return None if row is None else ApiRun(*row[:4], json.loads(row[4]), *row[5:])

    def last_api_run(self, source: str) -> ApiRun | None:
        return self._find_api_run("source = ?", (source,))

    def last_complete_api_run(self, source: str) -> ApiRun | None:
        return self._find_api_run("source = ? and status = 'complete'", (source,))

    def save_api_run(self, run: ApiRun) -> None:
        with self._connect() as conn:
            conn.execute(
                "insert or replace into api_runs (run_id, source, status, changed_since, pending, total,"
                " started_at, finished_at, message) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.run_id, run.source, run.status, run.changed_since, json.dumps(run.pending), run.total,
                 run.started_at, run.finished_at, run.message),
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
