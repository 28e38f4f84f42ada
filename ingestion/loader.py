"""Load: land each file, parse it, write raw Parquet and quarantine, and record it in the ledger."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from core.errors import InputError, UsageError
from core.settings import Paths
from ingestion import contract_checks, landing, raw_zone
from ingestion.ledger import Ledger
from ingestion.limits import ENV, Limits, limits
from ingestion.parsers.common import Parsed, Reject
from ingestion.sources import TABLES
from ingestion.sources import source as declared_source


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


def find_files(source: str, inputs: Iterable[Path]) -> list[Path]:
    """Expand folders into the source's files, in a stable order."""
    suffixes = declared_source(source).suffixes
    files: list[Path] = []
    for path in inputs:
        if path.is_dir() and not path.is_symlink():
            # Symbolic links and special files are listed too, so that they are refused by name, not ignored.
            files.extend(
                sorted(
                    p for p in path.rglob("*") if p.suffix.lower() in suffixes and (p.is_symlink() or not p.is_dir())
                )
            )
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return files


def _refusal(path: Path, limit: Limits) -> str | None:
    """Why PATH is not read at all: landing copies what it is given, so only regular files within the size
    limit are taken (a larger one stays where it is, untouched)."""
    if path.is_symlink():
        return "a symbolic link: refused, so that nothing outside the inbox is copied in (put the file itself there)"
    if not path.is_file():
        return "not a regular file (a folder, FIFO, socket or device): refused"
    size = path.stat().st_size
    if size > limit.file_bytes:
        return (
            f"{size / 2**20:,.1f} MB, over the {limit.file_mb:,.0f} MB a file may have ({ENV['file_mb']});"
            " not copied into landing: split it, or raise the limit for it"
        )
    return None


def _signature(path: Path) -> tuple[int, int]:
    """What changes when a file is written to: its size and modification time."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


@dataclass
class _Pending:
    """A file landed and parsed, waiting for the contract checks of its batch."""

    source: str
    name: str
    landed: Path
    load_id: str
    started: datetime
    parsed: Parsed
    tables: dict[str, pa.Table]  # conformed: the contract's columns and `_source_row`
    rejects: list[Reject]

    @property
    def rows(self) -> int:
        return sum(table.num_rows for table in self.tables.values())


def _begin(source: str, name: str, landed: Path, sha: str, ledger: Ledger) -> LoadResult | _Pending:
    """Record the load, parse the file and conform it to the contract; reject it whole if it cannot be read."""
    started = datetime.now(UTC)
    load_id = f"{source}-{started:%Y%m%dT%H%M%S%fZ}-{sha[:12]}"
    ledger.start(load_id, source, name, sha, str(landed), started.isoformat())
    try:
        parsed = declared_source(source).parse(landed)
        if not parsed.rows_read:
            raise InputError(name, "no data rows: the file holds a header (or nothing) and no figures")
        tables = {table: TABLES[(source, table)].to_arrow(frame) for table, frame in parsed.tables.items()}
    except InputError as exc:
        return _reject(source, name, load_id, exc, ledger)
    except (OSError, UnicodeError, ValueError, OverflowError, pa.ArrowException) as exc:
        # Whatever else one file can throw (an unreadable disk, a value no type holds): that file is rejected
        # and the rest of the batch loads.
        return _reject(source, name, load_id, InputError(name, f"cannot be read: {type(exc).__name__}: {exc}"), ledger)
    except BaseException as exc:
        ledger.finish(load_id, "failed", _now(), message=repr(exc))
        raise
    return _Pending(source, name, landed, load_id, started, parsed, tables, list(parsed.rejects))


def _reject(source: str, name: str, load_id: str, exc: InputError, ledger: Ledger) -> LoadResult:
    # Name the file as the user gave it, not its hash-prefixed landing copy.
    message = str(InputError(name, exc.reason, exc.row, exc.column))
    ledger.finish(load_id, "rejected", _now(), message=message)
    return LoadResult(source, name, "rejected", message=message)


def _check(batch: list[_Pending]) -> None:
    """Check each table's rows once over the whole batch, moving failing rows to their file's rejects."""
    for table in {name for pending in batch for name in pending.tables}:
        owners = [pending for pending in batch if table in pending.tables]
        combined = pa.concat_tables(
            [
                pending.tables[table].append_column(
                    "_file", pa.repeat(pa.scalar(i, pa.int32()), pending.tables[table].num_rows)
                )
                for i, pending in enumerate(owners)
            ]
        )
        kept, rejects = contract_checks.check(TABLES[(owners[0].source, table)], combined)
        for file, reject in rejects:
            owners[file].rejects.append(reject)
        if rejects:
            for i, pending in enumerate(owners):
                pending.tables[table] = kept.filter(pc.equal(kept["_file"], i)).drop_columns("_file")


def _finish(pending: _Pending, paths: Paths, ledger: Ledger) -> LoadResult:
    """Write quarantine and raw, then record the load: a load is in the ledger as loaded only when whole."""
    source, rejects = pending.source, pending.rejects
    if rejects and any(TABLES[(source, table)].whole_file for table in pending.tables):
        first = min(rejects, key=lambda r: r.row)
        message = str(
            InputError(
                pending.name,
                f"{len(rejects)} row(s) break the contract, so the file is rejected whole; first: {first.reason}",
                first.row,
                first.column,
            )
        )
        ledger.finish(pending.load_id, "rejected", _now(), pending.parsed.rows_read, 0, len(rejects), message=message)
        return LoadResult(source, pending.name, "rejected", pending.parsed.rows_read, 0, len(rejects), message)
    quarantined = paths.quarantine / source / f"{pending.load_id}.csv"
    written: list[Path] = []
    try:
        if rejects:
            raw_zone.write_quarantine(rejects, quarantined, pending.name)
        for table, rows in pending.tables.items():
            if rows.num_rows:
                written.append(
                    raw_zone.write_table(
                        TABLES[(source, table)],
                        rows,
                        paths.raw / source / table / f"{pending.load_id}.parquet",
                        pending.load_id,
                        pending.landed.name,
                        pending.started,
                    )
                )
    except OSError as exc:  # a full or read-only disk: nothing of this load stays in raw; landing keeps the file
        for path in written:
            path.unlink(missing_ok=True)
        message = str(
            InputError(
                pending.name,
                f"cannot write it to the raw zone ({exc.strerror or exc});"
                " it stays in landing and loads at the next run",
            )
        )
        ledger.finish(pending.load_id, "failed", _now(), pending.parsed.rows_read, 0, 0, message=message)
        return LoadResult(source, pending.name, "rejected", pending.parsed.rows_read, message=message)
    # Rows read are rows of the file's main table; tables derived from it (a long file's metric list) add none.
    accepted = next(iter(pending.tables.values())).num_rows
    first = min(rejects, key=lambda r: r.row) if rejects else None
    message = (
        f"quarantined in {quarantined}; first: row {first.row}, column {first.column!r}: {first.reason}"
        if first
        else ""
    )
    warnings = pending.parsed.warnings
    ledger.finish(
        pending.load_id,
        "loaded",
        _now(),
        pending.parsed.rows_read,
        accepted,
        len(rejects),
        message="; ".join([message, *warnings]).strip("; ") or None,
        raw_files=[raw_zone.final_path(path).relative_to(paths.raw).as_posix() for path in written],
    )
    # Only now is the load complete: its rows become visible in raw (`raw_zone.recover` finishes this
    # after a kill, and drops the files of loads that never completed).
    raw_zone.publish_pending(written)
    return LoadResult(
        source,
        pending.name,
        "loaded",
        pending.parsed.rows_read,
        accepted,
        len(rejects),
        message,
        warnings=tuple(warnings),
    )


def prepare(source: str, paths: Paths) -> None:
    """Make SOURCE's raw zone ready for a load: its files match the ledger after an interrupted load (see
    `raw_zone.recover`), and each of its tables has its schema file. Other sources may be loading at the
    same time, so their files are theirs to mend."""
    if paths.ledger.exists():
        raw_zone.recover(paths.raw / source, Ledger(paths.ledger).complete_loads())
    raw_zone.write_schemas(paths.raw, source)


_SETTLED = {
    "loaded": "already loaded (same content hash)",
    "retracted": "retracted with `sli retract`; `sli ingest SOURCE --reload LOAD_ID` loads it again",
}


def load_landed(
    source: str, name: str, landed: Path, sha: str, paths: Paths, ledger: Ledger, again: bool = False
) -> LoadResult:
    """Load a file already in landing (NAME: what it was called when received); AGAIN loads it even if
    that content was loaded or retracted before."""
    settled = None if again else ledger.settled(source, sha)
    if settled:
        return LoadResult(source, name, "skipped", message=_SETTLED[settled])
    pending = _begin(source, name, landed, sha, ledger)
    if isinstance(pending, LoadResult):
        return pending
    _check([pending])
    return _finish(pending, paths, ledger)


def load_bytes(source: str, name: str, data: bytes, paths: Paths, ledger: Ledger) -> LoadResult:
    """Land a response as received, then load it like a file."""
    landed, sha = landing.land_bytes(data, name, paths.landing / source)
    return load_landed(source, name, landed, sha, paths, ledger)


BATCH_ROWS = 2_000_000  # parsed rows checked together: bounds memory, amortises each check's fixed cost


def ingest(
    source: str, inputs: Iterable[Path], paths: Paths, on_file: Callable[[LoadResult], None] | None = None
) -> list[LoadResult]:
    """Load each file; files are parsed in batches whose rows are checked together, and reported in order."""
    ledger = Ledger(paths.ledger)
    limit = limits()
    results: list[LoadResult] = []
    waiting: list[LoadResult | _Pending] = []
    waiting_rows = 0  # kept as files are parsed: summing the batch at every file made a large batch quadratic
    seen: set[str] = set()  # hashes begun in this run: the ledger marks them loaded only at the flush

    def flush() -> None:
        nonlocal waiting_rows
        _check([item for item in waiting if isinstance(item, _Pending)])
        for item in waiting:
            result = _finish(item, paths, ledger) if isinstance(item, _Pending) else item
            results.append(result)
            if on_file:
                on_file(result)
        waiting.clear()
        waiting_rows = 0

    def refuse(path: Path, reason: str) -> None:  # the file is not read; it stays where it is, untouched
        waiting.append(LoadResult(source, path.name, "rejected", message=str(InputError(path.name, reason))))

    for path in find_files(source, inputs):
        refusal = _refusal(path, limit)
        if refusal:
            refuse(path, refusal)
            continue
        before = _signature(path)
        sha = landing.sha256_of(path)
        settled = "loaded" if sha in seen else ledger.settled(source, sha)
        if settled:
            waiting.append(LoadResult(source, path.name, "skipped", message=_SETTLED[settled]))
        else:
            try:
                landed = landing.land(path, paths.landing / source, sha)
                if _signature(path) != before:
                    raise landing.StillBeingWritten("its size or time changed while it was read")
            except landing.StillBeingWritten as exc:
                refuse(path, f"still being written ({exc}); it loads at a run after it is complete")
                continue
            except OSError as exc:  # a full or read-only disk
                refuse(path, f"cannot copy it into landing ({exc.strerror or exc}); nothing was loaded")
                continue
            seen.add(sha)
            begun = _begin(source, path.name, landed, sha, ledger)
            waiting.append(begun)
            if isinstance(begun, _Pending):
                waiting_rows += begun.rows
                if waiting_rows >= BATCH_ROWS:
                    flush()
    flush()
    return results


def _now() -> str:
    return datetime.now(UTC).isoformat()
