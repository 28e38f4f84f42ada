"""Keep the raw zone and the ledger in agreement, and mend them from landing, the source of truth.

`check` lists what disagrees (a complete load whose raw file is missing or unreadable, a raw file no
complete load owns); the build refuses to run on a raw zone that disagrees, since it would silently drop
or add rows. `retract` takes a load back; `reload` loads a landed file again as a new load.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from core import locks
from core.errors import SliError
from core.settings import Paths
from ingestion import raw_zone
from ingestion.landing import sha256_of
from ingestion.ledger import Ledger, LoadRecord
from ingestion.loader import LoadResult, load_landed


def check(paths: Paths) -> list[raw_zone.Mismatch]:
    loads = [r for r in Ledger.reader(paths.ledger).records() if r.status == "loaded"] if paths.ledger.exists() else []
    return raw_zone.reconcile(paths.raw, loads)


def _find(ledger: Ledger, ref: str, source: str | None = None) -> LoadRecord:
    """The load REF names: a load id, or the newest complete (or retracted) load of a file of that name."""
    records = [r for r in ledger.records(source) if r.status in ("loaded", "retracted")]
    chosen = [r for r in records if r.load_id == ref] or [r for r in records if r.file_name == ref]
    if not chosen:
        raise SliError(f"no complete load {ref!r} of {source or 'any source'} in the ledger (`sli status` lists them)")
    return chosen[-1]


def _retract(paths: Paths, ledger: Ledger, record: LoadRecord, why: str) -> None:
    files = (
        [paths.raw / name for name in record.raw_files]
        if record.raw_files is not None
        else sorted(paths.raw.glob(f"{record.source}/*/{record.load_id}.parquet"))
    )
    for path in files:
        path.unlink(missing_ok=True)
    ledger.retract(
        record.load_id,
        f"{why} at {datetime.now(UTC).isoformat(timespec='seconds')};"
        f" the file is kept in landing: {record.landed_path}",
    )


def retract(paths: Paths, ref: str) -> LoadRecord:
    """Take a complete load back (REF: its id, or its file's name for the newest load of it): its raw files
    go, the ledger says so, and the next build is a full one."""
    ledger = Ledger(paths.ledger)
    record = _find(ledger, ref)
    if record.status != "loaded":
        raise SliError(f"{ref!r} is already retracted ({record.load_id}); `sli ingest SOURCE --reload` loads it again")
    with locks.holding(paths.ingest_lock(record.source), f"retracting {record.load_id}"):
        _retract(paths, ledger, record, "retracted by `sli retract`")
    return record


def reload(paths: Paths, source: str, ref: str, on_file: Callable[[LoadResult], None] | None = None) -> LoadResult:
    """Load REF's landed file again, as a new load replacing it (for a raw file lost or damaged on disk)."""
    ledger = Ledger(paths.ledger)
    record = _find(ledger, ref, source)
    landed = Path(record.landed_path)
    if not landed.is_file():
        raise SliError(f"cannot reload {record.load_id}: its landed file {landed} is gone")
    if sha256_of(landed) != record.file_sha256:
        raise SliError(f"cannot reload {record.load_id}: its landed file {landed} changed after it landed")
    with locks.holding(paths.ingest_lock(record.source), f"reloading {record.load_id}"):
        if record.status == "loaded":
            _retract(paths, ledger, record, "replaced by a reload")
        result = load_landed(record.source, record.file_name, landed, record.file_sha256, paths, ledger, again=True)
    if on_file:
        on_file(result)
    return result
