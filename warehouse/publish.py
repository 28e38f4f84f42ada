"""Publish: swap an audited candidate in by atomic rename, keeping the previous file for rollback.

Each published file's SHA-256 is appended to `warehouse/published.log` before it goes live, so a rollback
can prove the file it puts back is one that was audited and published, whole and unchanged.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from core import locks
from core.atomic_files import write_atomically
from core.errors import PublishError
from core.settings import Paths
from ingestion.landing import sha256_of
from warehouse import editions


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(paths: Paths) -> Path:
    with locks.holding(paths.writer_lock, "publishing"):
        return _publish(paths)


def _publish(paths: Paths) -> Path:
    if not paths.candidate.exists():
        raise PublishError(f"no candidate warehouse at {paths.candidate}: run `sli build` and `sli audit` first")
    if not paths.audit_stamp.exists():
        raise PublishError("the candidate has not passed the audit: run `sli audit` first")
    stamp = json.loads(paths.audit_stamp.read_text(encoding="utf-8"))
    if stamp.get("candidate_sha256") != sha256_of(paths.candidate):
        raise PublishError("the candidate changed after its audit: build and audit it again")
    if paths.candidate.with_name(paths.candidate.name + ".wal").exists():
        raise PublishError("the candidate still has a write-ahead log: its builder did not close it cleanly")
    _check_opens(paths.candidate, "publish")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    adopted = (
        f"{sha256_of(paths.published)} {now} (published before this log began)\n"
        if paths.published.exists() and not paths.published_log.exists()
        else ""
    )
    with paths.published_log.open("a", encoding="utf-8") as log:
        log.write(f"{adopted}{stamp['candidate_sha256']} {now}\n")
        log.flush()
        os.fsync(log.fileno())
    if paths.published.exists():
        # Hard link then rename: `sli.previous.duckdb` is always a whole file, never half-copied.
        write_atomically(paths.previous, lambda partial: os.link(paths.published, partial))
    os.replace(paths.candidate, paths.published)
    paths.audit_stamp.unlink(missing_ok=True)
    _fsync_dir(paths.warehouse_dir)
    editions.keep(paths)  # a kill before this is mended by the next build's own call
    return paths.published


def rollback(paths: Paths) -> Path:
    """Put the previous published warehouse back."""
    with locks.holding(paths.writer_lock, "rolling back"):
        return _rollback(paths)


def _rollback(paths: Paths) -> Path:
    if not paths.previous.exists():
        raise PublishError(f"no previous warehouse at {paths.previous} to roll back to")
    if paths.previous.stat().st_size == 0:
        raise PublishError(
            f"cannot roll back: {paths.previous} is empty (0 bytes); the published warehouse is unchanged"
        )
    published = (
        {line.split()[0] for line in paths.published_log.read_text(encoding="utf-8").splitlines() if line}
        if paths.published_log.exists()
        else set()
    )
    if published and sha256_of(paths.previous) not in published:
        raise PublishError(
            f"cannot roll back: {paths.previous} is not a file this warehouse published (its SHA-256"
            " is not in published.log: changed or damaged since); the published warehouse is unchanged"
        )
    _check_opens(paths.previous, "roll back")
    os.replace(paths.previous, paths.published)
    _fsync_dir(paths.warehouse_dir)
    return paths.published


def problems(paths: Paths) -> list[str]:
    """What is wrong with the published warehouse as it stands, for `sli status` and `sli doctor`: a file
    that is not the one published (damaged or changed since), one that cannot be read, or a load ledger lost
    beside it."""
    if not paths.published.exists():
        return []
    found = []
    try:
        _check_opens(paths.published, "read the published warehouse")
    except PublishError as exc:
        found.append(str(exc).removesuffix("; the published warehouse is unchanged"))
    if not found and paths.published_log.exists():
        published = {line.split()[0] for line in paths.published_log.read_text(encoding="utf-8").splitlines() if line}
        if sha256_of(paths.published) not in published:
            found.append(
                f"{paths.published} is not the file that was published (its SHA-256 is not in published.log):"
                " damaged or changed since"
            )
    if found:
        found[-1] += "; `sli rollback` puts back the previous one"
    if not paths.ledger.exists():
        found.append(
            f"no load ledger at {paths.ledger}, beside a published warehouse: it was lost. Rebuild it from landing,"
            " which keeps every file received: move SLI_HOME/raw aside, run `sli ingest SOURCE SLI_HOME/landing/SOURCE`"
            " for each source, then `sli refresh`"
        )
    return found


def _check_opens(database: Path, doing: str) -> None:
    """DATABASE opens read-only and holds a finished build (its `meta.build_info` row)."""
    import duckdb

    from warehouse.access import open_read_only

    try:
        with open_read_only(database) as con:
            [(built,)] = con.execute("select count(*) from meta.build_info").fetchall()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        raise PublishError(
            f"cannot {doing}: {database} is not a readable warehouse ({reason}); the published warehouse is unchanged"
        ) from exc
    if built != 1:
        raise PublishError(f"cannot {doing}: {database} has no build record; the published warehouse is unchanged")
