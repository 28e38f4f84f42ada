"""Load: land each file, parse it, write raw Parquet and quarantine, and record it in the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from ingestion import input_checks, landing, raw_zone
from ingestion.contracts import TABLES
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
    source: {suffix for (owner, _), table in TABLES.items() if owner == source
             for fmt in table.formats for suffix in fmt.extensions}
    for source in PARSERS
}


@dataclass(frozen=True)
class LoadResult:
    source: str
    file: str
    status: str  # loaded | skipped | rejected | stopped (an API fetch left work for the next run)
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    message: str = ""
    warnings: tuple[str, ...] = ()


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
    return _load_landed(source, path, landing.land(path, paths.landing / source, sha), sha, paths, ledger)


def load_bytes(source: str, name: str, data: bytes, paths: Paths, ledger: Ledger) -> LoadResult:
    """Land a response as received, then load it like a file."""
    landed, sha = landing.land_bytes(data, name, paths.landing / source)
    if ledger.is_loaded(source, sha):
        return LoadResult(source, name, "skipped", message="already loaded (same content hash)")
    return _load_landed(source, Path(name), landed, sha, paths, ledger)


def _load_landed(source: str, path: Path, landed: Path, sha: str, paths: Paths, ledger: Ledger) -> LoadResult:
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
    tables, rejects = {}, list(parsed.rejects)
    for name, frame in parsed.tables.items():
        contract = TABLES[(source, name)]
        tables[name], failed = input_checks.check(contract, contract.conform(frame))
        rejects += failed
    quarantined = paths.quarantine / source / f"{load_id}.csv"
    if rejects:
        raw_zone.write_quarantine(rejects, quarantined, path.name)
    for name, frame in tables.items():
        if len(frame):
            raw_zone.write_table(TABLES[(source, name)], frame, paths.raw / source / name / f"{load_id}.parquet",
                                 load_id, landed.name, started)
    # Rows read are rows of the file's main table; tables derived from it (a long file's metric list) add none.
    accepted = len(next(iter(tables.values())))
    first = min(rejects, key=lambda r: r.row) if rejects else None
    message = f"quarantined in {quarantined}; first: row {first.row}, column {first.column!r}: {first.reason}" if first else ""
    ledger.finish(load_id, "loaded", _now(), parsed.rows_read, accepted, len(rejects),
                  message="; ".join([message, *parsed.warnings]).strip("; ") or None)
    return LoadResult(source, path.name, "loaded", parsed.rows_read, accepted, len(rejects), message,
                      warnings=tuple(parsed.warnings))


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
