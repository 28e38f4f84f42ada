"""Publish: swap an audited candidate in by atomic rename, keeping the previous file for rollback."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ingestion.errors import PublishError
from ingestion.landing import sha256_of
from ingestion.settings import Paths


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(paths: Paths) -> Path:
    if not paths.candidate.exists():
        raise PublishError(f"no candidate warehouse at {paths.candidate}: run `sli build` and `sli audit` first")
    if not paths.audit_stamp.exists():
        raise PublishError("the candidate has not passed the audit: run `sli audit` first")
    stamp = json.loads(paths.audit_stamp.read_text(encoding="utf-8"))
    if stamp.get("candidate_sha256") != sha256_of(paths.candidate):
        raise PublishError("the candidate changed after its audit: build and audit it again")
    if paths.candidate.with_name(paths.candidate.name + ".wal").exists():
        raise PublishError("the candidate still has a write-ahead log: its builder did not close it cleanly")
    if paths.published.exists():
        # Hard link then rename: `sli.previous.duckdb` is always a whole file, never half-copied.
        partial = paths.previous.with_name(paths.previous.name + ".partial")
        partial.unlink(missing_ok=True)
        os.link(paths.published, partial)
        os.replace(partial, paths.previous)
    os.replace(paths.candidate, paths.published)
    paths.audit_stamp.unlink(missing_ok=True)
    _fsync_dir(paths.warehouse_dir)
    return paths.published


def rollback(paths: Paths) -> Path:
    """Put the previous published warehouse back."""
    if not paths.previous.exists():
        raise PublishError(f"no previous warehouse at {paths.previous} to roll back to")
    os.replace(paths.previous, paths.published)
    _fsync_dir(paths.warehouse_dir)
    return paths.published
