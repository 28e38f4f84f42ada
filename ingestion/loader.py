"""Load: land each file, parse it, write raw Parquet and quarantine, and record it in the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from ingestion import landing, raw_zone
from ingestion.errors import InputError, SliError
from ingestion.ledger import Ledger
from ingestion.settings import SOURCES, Paths
from ingestion.sources import lginform, ope, polls, shared_services

PARSERS = {
    "lginform": lginform.parse,
    "polls": polls.parse,
    "shared_services": shared_services.parse,
    "ope": ope.parse,
}
SUFFIXES = {
    "lginform": {".json"},
    "polls": {".csv", ".xlsx"},
    "shared_services": {".xlsx"},
    "ope": {".csv", ".xlsx"},
}


@dataclass(frozen=True)
class LoadResult:
    source: str
    file: str
    status: str  # loaded | skipped | rejected
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    message: str = ""


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise SliError(f"unknown source {source!r}; expected one of: {', '.join(SOURCES)}")


def find_files(source: str, inputs: Iterable[Path]) -> list[Path]:
    """Expand folders into the source's files, in a stable order."""
    _check_source(source)
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES[source]))
        elif path.is_file():
            files.append(path)
        else:
            raise SliError(f"no such file or folder: {path}")
    return files


def load_file(source: str, path: Path, paths: Paths, ledger: Ledger) -> LoadResult:
    sha = landing.sha256_of(path)
    if ledger.is_loaded(source, sha):
        return LoadResult(source, path.name, "skipped", message="already loaded (same content hash)")
    landed = landing.land(path, paths.landing / source, sha)
    started = datetime.now(timezone.utc)
    load_id = f"{source}-{started:%Y%m%dT%H%M%S%fZ}-{sha[:12]}"
    ledger.start(load_id, source, path.name, sha, str(landed), started.isoformat())
    try:
        parsed = PARSERS[source](landed)
    except InputError as exc:
        # Name the file as the user gave it, not its hash-prefixed landing copy.
        message = str(InputError(path.name, exc.reason, exc.row, exc.column))
        ledger.finish(load_id, "rejected", _now(), message=message)
        return LoadResult(source, path.name, "rejected", message=message)
    except Exception as exc:
        ledger.finish(load_id, "failed", _now(), message=repr(exc))
        raise
    accepted = sum(len(frame) for frame in parsed.tables.values())
    if parsed.rejects:
        raw_zone.write_quarantine(parsed.rejects, paths.quarantine / source / f"{load_id}.csv", path.name)
    for table, frame in parsed.tables.items():
        if len(frame):
            raw_zone.write_table(frame, paths.raw / source / table / f"{load_id}.parquet", load_id, landed.name, started)
    ledger.finish(load_id, "loaded", _now(), parsed.rows_read, accepted, len(parsed.rejects))
    return LoadResult(source, path.name, "loaded", parsed.rows_read, accepted, len(parsed.rejects))


def ingest(
    source: str,
    inputs: Iterable[Path],
    paths: Paths,
    on_file: Callable[[LoadResult], None] | None = None,
) -> list[LoadResult]:
    ledger = Ledger(paths.ledger)
    results = []
    for path in find_files(source, inputs):
        result = load_file(source, path, paths, ledger)
        results.append(result)
        if on_file:
            on_file(result)
    return results


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()
