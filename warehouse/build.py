"""Build: one `dbt build` process, the only writer, makes a candidate warehouse from raw.

Incremental by default: when the published warehouse was built by the same project (models, macros,
seeds, settings) from the same metric metadata, the candidate starts as a copy of it and dbt's
incremental models add only what later loads changed. Anything else, or `full_refresh`, builds the
candidate from nothing.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from core import duckdb_limits, locks
from core.atomic_files import write_atomically
from core.errors import BuildError
from core.settings import DBT_PROJECT_DIR, Paths
from ingestion import basket, raw_zone, repair, sources
from ingestion.ledger import Ledger
from warehouse import editions


def dbt_env(paths: Paths, database: Path) -> dict[str, str]:
    """dbt's settings: which file to write, and its own files kept out of the repo."""
    return {
        **os.environ,
        # Relative to SLI_HOME, where dbt runs: dbt parses the whole project again whenever its connection
        # settings change, so this way a home keeps its parse wherever it is (and a copy of it too).
        "SLI_DUCKDB_PATH": os.path.relpath(database, paths.home),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "DBT_TARGET_PATH": str(paths.dbt_target),
        "DBT_LOG_PATH": str(paths.dbt_logs),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }


def sources_without_data(paths: Paths) -> list[str]:
    """The sources with no load in the raw zone."""
    return [
        s
        for s in sources.SOURCES
        if not any(f.name != raw_zone.SCHEMA_FILE for f in (paths.raw / s).glob("*/*.parquet"))
    ]


def discard_candidate(paths: Paths) -> None:
    for leftover in (paths.candidate, paths.candidate.with_name(paths.candidate.name + ".wal"), paths.audit_stamp):
        try:
            leftover.unlink(missing_ok=True)
        except OSError as exc:
            if exc.errno != errno.EROFS:  # on a read-only disk nothing was left behind to remove
                raise


# What the incremental models take from a metric's definition: how it ranks, whether it counts, and
# what a missing value means. Other fields (labels, `metadataOrDataLastUpdated`) change on every fetch
# without changing a stored figure.
_RANKING_METADATA = "select distinct metric_id, polarity, discontinued, null_as_zero from read_parquet(?) order by all"


def fingerprint(paths: Paths) -> str:
    """What the warehouse's incremental tables depend on beyond the values themselves: the dbt project's
    files, every metric definition ever loaded as far as it ranks or revises values (a metric's polarity
    ranks every period), the nearest-neighbour lists loaded, and the basket tracked."""
    import duckdb

    digest = hashlib.sha256()
    for path in sorted(DBT_PROJECT_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".sql", ".yml", ".csv", ".md"):
            digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    loads = sorted(str(path) for path in (paths.raw / "lginform" / "metric_types").glob("*.parquet"))
    if loads:
        with duckdb.connect(config=duckdb_limits.limits()) as con:
            digest.update(repr(con.execute(_RANKING_METADATA, [loads]).fetchall()).encode())
    digest.update(b"basket\0" + basket.active().encode() + repr(basket.metrics()).encode())
    digest.update(b"sources\0" + repr(sources.for_build()).encode())
    # A new nearest-neighbour list changes every period's neighbour statistics, not only revised ones.
    for path in sorted((paths.raw / "lginform" / "nearest_neighbours").glob("*.parquet")):
        digest.update(b"neighbours\0" + path.name.encode())
    # Incremental models only add: rows of a retracted load leave the warehouse through a full build.
    if paths.ledger.exists():
        digest.update(b"retracted\0" + "\n".join(Ledger.reader(paths.ledger).retracted()).encode())
    return digest.hexdigest()


def raw_digest(paths: Paths) -> str:
    """What the raw zone holds: every load's Parquet file by name, size and modification time."""
    digest = hashlib.sha256()
    for path in sorted(paths.raw.glob("*/*/*.parquet")):
        if path.name != raw_zone.SCHEMA_FILE:  # rewritten by every build, and holds no rows
            stat = path.stat()
            digest.update(f"{path.relative_to(paths.raw).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _published_build(paths: Paths) -> tuple[str, str | None, object] | None:
    """The published warehouse's (fingerprint, raw digest, built at), or None."""
    import duckdb

    if not paths.published.exists():
        return None
    try:
        with duckdb.connect(str(paths.published), read_only=True, config=duckdb_limits.limits()) as con:
            return con.execute("select fingerprint, raw_digest, built_at from meta.build_info").fetchone()
    except duckdb.Error:  # an older warehouse without build_info (or its raw digest): build from nothing
        return None


def up_to_date(paths: Paths) -> object | None:
    """When the published warehouse was built, if it was built by this project from exactly the raw
    zone there is now (so a build would give the same marts); else None."""
    published = _published_build(paths)
    if published and published[0] == fingerprint(paths) and published[1] == raw_digest(paths):
        return published[2]
    return None


def build(paths: Paths, on_line: Callable[[str], None] = print, full_refresh: bool = False) -> Path:
    """Run `dbt build` (models, seeds and dbt tests) into a new candidate file; return its path.

    The candidate starts from a copy of the published warehouse when that was built with the same
    fingerprint, unless `full_refresh`, which builds from nothing with dbt's `--full-refresh`.
    """
    with locks.holding(paths.writer_lock, "building the candidate"):
        return _build(paths, on_line, full_refresh)


def _build(paths: Paths, on_line: Callable[[str], None], full_refresh: bool) -> Path:
    missing = sources_without_data(paths)
    if len(missing) == len(sources.SOURCES):
        raise BuildError("no raw data for any source: run `sli ingest SOURCE` first")
    # A source with nothing loaded yet does not hold the others back: its tables are built empty (its
    # schema files), and the overview and `sli status` say "no data loaded" for it.
    for source in missing:
        raw_zone.write_schemas(paths.raw, source)
        on_line(f"no data loaded for {source}: building without it")
    mismatches = repair.check(paths)
    if mismatches:
        raise BuildError(
            "the raw zone does not match the ledger, so a build would drop or add rows silently:\n  "
            + "\n  ".join(m.describe() for m in mismatches[:20])
            + "\nmend it from landing with `sli ingest SOURCE --reload LOAD_ID` (or take the load back with"
            " `sli retract LOAD_ID`); `sli doctor` lists every problem"
        )
    paths.warehouse_dir.mkdir(parents=True, exist_ok=True)
    editions.keep(paths)  # the published edition is in the store before this build reads it
    current = fingerprint(paths)
    published = _published_build(paths)
    incremental = not full_refresh and published is not None and published[0] == current
    on_line(
        "building incrementally on a copy of the published warehouse"
        if incremental
        else "building the whole warehouse"
        + (
            " (--full-refresh)"
            if full_refresh
            else ": the project or the metric metadata changed, or nothing is published"
        )
    )
    try:
        discard_candidate(paths)
        if incremental:
            write_atomically(paths.candidate, lambda partial: shutil.copyfile(paths.published, partial))
        stamp = {"SLI_BUILD_FINGERPRINT": current, "SLI_RAW_DIGEST": raw_digest(paths)}
        # Unit tests check the SQL, not the data: they run in the test suite and `sli unit-tests`, as
        # dbt advises, not in every production build.
        _dbt(
            [
                "build",
                "--warn-error",
                "--exclude-resource-type",
                "unit_test",
                "--vars",
                json.dumps({"basket": basket.active()}),
                *([] if incremental else ["--full-refresh"]),
            ],
            paths,
            paths.candidate,
            on_line,
            stamp,
        )
    except (BuildError, KeyboardInterrupt, SystemExit):  # failed, or stopped by a signal: no half-built candidate
        discard_candidate(paths)
        raise
    except OSError as exc:  # e.g. the disk is full or read-only: say where, and leave nothing half-written
        discard_candidate(paths)
        raise BuildError(
            f"cannot write the candidate warehouse in {paths.warehouse_dir}: {exc.strerror or exc}"
            " (the published warehouse is unchanged)"
        ) from exc
    return paths.candidate


def _dbt(
    arguments: list[str],
    paths: Paths,
    database: Path,
    on_line: Callable[[str], None],
    extra_env: dict[str, str] | None = None,
) -> None:
    """Run one dbt command as a subprocess, streaming its output; raise with the failing lines."""
    basket.write_for_build(paths.dbt_basket)
    sources.write_for_build(paths.dbt_sources)
    command = [str(Path(sys.executable).with_name("dbt")), *arguments, "--project-dir", str(DBT_PROJECT_DIR)]
    failures: list[str] = []
    # dbt runs in SLI_HOME, which the sources' raw paths are relative to, and in its own process group, so
    # that stopping this process stops dbt and all its threads (else a killed refresh would leave dbt writing on).
    with subprocess.Popen(
        command,
        env={**dbt_env(paths, database), **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=paths.home,
        start_new_session=True,
    ) as process:
        try:
            for line in process.stdout:
                line = line.rstrip()
                on_line(line)
                if " ERROR " in line or " FAIL " in line or "Error in" in line or "Failure in" in line:
                    failures.append(line.split("  ", 1)[-1].strip())
        except BaseException:  # SIGTERM or Ctrl-C (raised here as SystemExit / KeyboardInterrupt), or a bug
            _stop(process)
            raise
    if process.returncode != 0:
        detail = "; ".join(failures[:10]) or "see the dbt output above"
        raise BuildError(f"dbt {arguments[0]} failed (exit {process.returncode}): {detail}")


def _stop(process: subprocess.Popen) -> None:
    """Stop dbt's process group: politely, then for certain."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:  # already gone
        pass


def _on_a_copy(paths: Paths, arguments: list[str], on_line: Callable[[str], None]) -> None:
    """Run dbt on a scratch copy of the published warehouse, which is never opened for writing."""
    if not paths.published.exists():
        raise BuildError(f"no published warehouse at {paths.published}: run `sli refresh` first")
    with tempfile.TemporaryDirectory(dir=paths.warehouse_dir) as scratch:
        copy = Path(scratch) / "scratch.duckdb"
        shutil.copyfile(paths.published, copy)
        _dbt(arguments, paths, copy, on_line)


def docs(paths: Paths, on_line: Callable[[str], None] = print) -> Path:
    """The dbt docs site of the published warehouse, as one self-contained page (no network needed)."""
    target = paths.dbt_docs
    _on_a_copy(paths, ["docs", "generate", "--static", "--target-path", str(target)], on_line)
    return target / "static_index.html"


def unit_tests(paths: Paths, on_line: Callable[[str], None] = print) -> None:
    """dbt's unit tests (the models' calculations on hand-worked rows); they need the models' tables to
    exist, so they run on a copy of the published warehouse."""
    _on_a_copy(
        paths, ["test", "--select", "test_type:unit", "--vars", json.dumps({"basket": basket.active()})], on_line
    )
