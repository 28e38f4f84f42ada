"""The load ledger: one row per load attempt, in SQLite so parallel ingest tasks can share it."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.errors import SliError

LOADS = """
create table if not exists loads (
    load_id        text primary key,
    source         text not null,
    file_name      text not null,
    file_sha256    text not null,
    landed_path    text not null,
    -- retracted: taken back by `sli retract` (or before a reload); its raw files are gone
    status         text not null check (status in ('running', 'loaded', 'rejected', 'failed', 'retracted')),
    rows_read      integer,
    rows_accepted  integer,
    rows_rejected  integer,
    message        text,
    started_at     text not null,
    finished_at    text,
    owner          text,  -- host:pid of the process while it runs
    raw_files      text   -- JSON list of the raw Parquet files a complete load wrote, relative to raw/
);
create index if not exists loads_by_hash on loads (source, file_sha256, status);
"""
SCHEMA = (
    LOADS
    + """
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
    message        text,
    owner          text
);
"""
)


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
    landed_path: str = ""
    raw_files: list[str] | None = None  # None for loads recorded before the ledger listed them


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


INTERRUPTED = "interrupted: the process that ran it ended before it finished"


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"  # at call time: a forked task runner has its own pid


def _alive(owner: str | None) -> bool:
    """Whether the process named by OWNER (host:pid) still runs."""
    host, _, pid = (owner or "").rpartition(":")
    if not host or not pid.isdigit():
        return False  # no owner recorded: left by an older version of the project
    if host != socket.gethostname():
        return True  # another machine's process cannot be asked: leave its rows alone
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, and someone else's
        return True
    return True


class Ledger:
    def __init__(self, path: Path):
        self.path = path
        self._guard = threading.RLock()  # the connection is shared by this ledger's threads, one at a time
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(SCHEMA)
            self._migrate(conn)
            self._recover(conn)

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Bring a ledger written by an earlier version up to SCHEMA, keeping every row."""
        if "owner" not in {row[1] for row in conn.execute("pragma table_info(api_runs)")}:
            conn.execute("alter table api_runs add column owner text")
        [(table_sql,)] = conn.execute("select sql from sqlite_master where name = 'loads'").fetchall()
        if "'retracted'" not in table_sql:  # a CHECK constraint cannot be altered: copy into the new table
            kept = ", ".join(row[1] for row in conn.execute("pragma table_info(loads)"))
            conn.execute("alter table loads rename to loads_before_migration")
            conn.execute("drop index if exists loads_by_hash")
            conn.executescript(LOADS)
            conn.execute(f"insert into loads ({kept}) select {kept} from loads_before_migration")
            conn.execute("drop table loads_before_migration")

    @staticmethod
    def _recover(conn: sqlite3.Connection) -> None:
        """Rows left 'running' by a process that has ended: a load becomes 'failed' (its file loads again next
        time), an API fetch 'stopped' (the next fetch resumes it)."""
        now = datetime.now(UTC).isoformat()
        for table, key, status in (("loads", "load_id", "failed"), ("api_runs", "run_id", "stopped")):
            stale = [
                (row[0],)
                for row in conn.execute(f"select {key}, owner from {table} where status = 'running'")
                if not _alive(row[1])
            ]
            conn.executemany(
                f"update {table} set status = ?, finished_at = ?, message = ?, owner = null where {key} = ?",
                [(status, now, INTERRUPTED, key_value) for (key_value,) in stale],
            )

    @classmethod
    def reader(cls, path: Path) -> Ledger:
        """The ledger for reading only: nothing is created or changed, so it works on a read-only home."""
        ledger = cls.__new__(cls)
        ledger.path, ledger._read_only = path, True
        return ledger

    _read_only = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._open() as conn:
                yield conn
        except sqlite3.DatabaseError as exc:  # damaged or truncated, a full disk, a lock held too long
            raise SliError(
                f"the load ledger {self.path} cannot be used ({exc}); nothing more was loaded"
                " (a damaged ledger can be restored from a backup: landing keeps every file)"
            ) from exc

    @contextmanager
    def _open(self) -> Iterator[sqlite3.Connection]:
        if not self._read_only:
            with self._guard, self._writer() as conn:  # one transaction: committed, or rolled back on error
                yield conn
            return
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("select count(*) from sqlite_master").fetchall()
        except sqlite3.OperationalError:
            # A read-only folder cannot hold SQLite's lock files: read the file as it is on disk.
            conn.close()
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    _connection: sqlite3.Connection | None = None

    def _writer(self) -> sqlite3.Connection:
        """This ledger's one connection: opening one per operation (and closing it, which checkpoints the
        log) took a third of a small file's load."""
        if self._connection is None:
            # WAL + a generous busy timeout: parallel ingest tasks append without failing on a lock.
            self._connection = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            self._connection.execute("pragma journal_mode=wal")
        return self._connection

    def settled(self, source: str, sha256: str) -> str | None:
        """'loaded' when content with this hash is loaded, 'retracted' when it was taken back (and is not
        to be loaded again from an inbox), else None."""
        with self._connect() as conn:
            [(status,)] = conn.execute(
                "select min(status) from loads"
                " where source = ? and file_sha256 = ? and status in ('loaded', 'retracted')",
                (source, sha256),
            ).fetchall()
        return status

    def file_names(self, source: str, sha256: str) -> set[str]:
        """The names under which content with this hash was loaded."""
        with self._connect() as conn:
            rows = conn.execute(
                "select distinct file_name from loads where source = ? and file_sha256 = ? and status = 'loaded'",
                (source, sha256),
            ).fetchall()
        return {name for (name,) in rows}

    def complete_loads(self) -> set[str]:
        with self._connect() as conn:
            return {row[0] for row in conn.execute("select load_id from loads where status = 'loaded'")}

    def start(self, load_id: str, source: str, file_name: str, sha256: str, landed: str, at: str) -> None:
        with self._connect() as conn:
            conn.execute(
                "insert into loads (load_id, source, file_name, file_sha256, landed_path, status, started_at, owner)"
                " values (?, ?, ?, ?, ?, 'running', ?, ?)",
                (load_id, source, file_name, sha256, landed, at, _owner()),
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
        raw_files: list[str] | None = None,
    ) -> None:
        with self._connect() as conn:
            conn.execute(
                "update loads set status = ?, finished_at = ?, rows_read = ?, rows_accepted = ?,"
                " rows_rejected = ?, message = ?, raw_files = ?, owner = null where load_id = ?",
                (
                    status,
                    at,
                    rows_read,
                    rows_accepted,
                    rows_rejected,
                    message,
                    None if raw_files is None else json.dumps(raw_files),
                    load_id,
                ),
            )

    def retract(self, load_id: str, message: str) -> None:
        with self._connect() as conn:
            conn.execute("update loads set status = 'retracted', message = ? where load_id = ?", (message, load_id))

    def retracted(self) -> list[str]:
        with self._connect() as conn:
            return [row[0] for row in conn.execute("select load_id from loads where status = 'retracted' order by 1")]

    def _find_api_run(self, where: str, params: tuple) -> ApiRun | None:
        with self._connect() as conn:
            row = conn.execute(
                "select run_id, source, status, changed_since, pending, total, started_at, finished_at, message"
                f" from api_runs where {where} order by started_at desc, run_id desc limit 1",
                params,
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
                " started_at, finished_at, message, owner) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.run_id,
                    run.source,
                    run.status,
                    run.changed_since,
                    json.dumps(run.pending),
                    run.total,
                    run.started_at,
                    run.finished_at,
                    run.message,
                    _owner() if run.status == "running" else None,
                ),
            )

    def records(self, source: str | None = None) -> list[LoadRecord]:
        params: tuple = ()
        where = ""
        if source:
            where, params = " where source = ?", (source,)
        with self._connect() as conn:
            # A ledger of an earlier version, read without migrating it (a read-only home), has no raw_files.
            listed = "raw_files" in {row[1] for row in conn.execute("pragma table_info(loads)")}
            rows = conn.execute(
                "select load_id, source, file_name, file_sha256, status, rows_read, rows_accepted, rows_rejected,"
                f" message, started_at, finished_at, landed_path, {'raw_files' if listed else 'null'} from loads"
                f"{where} order by started_at, load_id",
                params,
            ).fetchall()
        return [LoadRecord(*row[:-1], raw_files=None if row[-1] is None else json.loads(row[-1])) for row in rows]
