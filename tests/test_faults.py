"""Faults tell the truth, and an analyst's query writes nothing: a damaged published file or a lost ledger
is named by `status` and `doctor`; `sql`, `report` and `export` end in one line pointing to the mend; a
read-only or full disk ends in one line at each stage; `sli sql` keeps to its memory, spill and time."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BIN, REPO, assert_same_marts, copy_home, mart_frames, sli
from ingestion.sources import SOURCES

SLOW_QUERY = "select count(*) from range(100000000000)"


def _damage(path: Path, offset: int, size: int = 8192) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(os.urandom(size))


def _one_line_error(result: subprocess.CompletedProcess, *texts: str) -> None:
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in out, out[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    for text in texts:
        assert text in errors[0], errors[0]


def test_a_damaged_published_file_is_named_by_status_and_doctor_and_is_one_line_elsewhere(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    _damage(published, 0, 12288)  # the headers: nothing can be read

    status = sli(home, "status")
    assert f"warning: cannot read the published warehouse: {published} is not a readable warehouse" in status.stderr
    assert "`sli rollback` puts back the previous one" in status.stderr
    doctor = sli(home, "doctor", check=False)
    assert doctor.returncode == 1 and "is not a readable warehouse" in doctor.stdout
    for command in (["sql", "select 1"], ["report"], ["export"]):
        _one_line_error(sli(home, *command, check=False), "cannot be read", "it is damaged; `sli rollback` puts back")


def test_a_published_file_changed_in_the_middle_is_named_by_status_and_doctor(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    _damage(published, published.stat().st_size // 2)
    assert "is not the file that was published (its SHA-256 is not in published.log)" in sli(home, "status").stderr
    doctor = sli(home, "doctor", check=False)
    assert doctor.returncode == 1 and "damaged or changed since; `sli rollback`" in doctor.stdout
    # Whatever a reader meets in the damaged half, it is one line, never a traceback.
    result = sli(home, "sql", "select count(*) from fct_council_benchmarks", check=False)
    assert "Traceback" not in result.stdout + result.stderr


def test_a_lost_ledger_is_named_with_the_way_to_rebuild_it_from_landing_which_works(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    before = mart_frames(home / "warehouse" / "sli.duckdb")
    (home / "ledger.sqlite").unlink()
    status = sli(home, "status")
    assert f"warning: no load ledger at {home / 'ledger.sqlite'}, beside a published warehouse" in status.stderr
    doctor = sli(home, "doctor", check=False)
    assert doctor.returncode == 1 and "move SLI_HOME/raw aside, run `sli ingest SOURCE" in doctor.stdout
    # The way it gives, followed as written.
    shutil.move(home / "raw", tmp_path / "raw.aside")
    for source in SOURCES:
        sli(home, "ingest", source, str(home / "landing" / source))
    sli(home, "refresh")
    assert sli(home, "doctor").returncode == 0
    assert not [path for path in (home / "landing").rglob("*") if path.name.count("__") > 1]  # no second copies
    assert_same_marts(
        mart_frames(home / "warehouse" / "sli.duckdb"), before, ignore=r"load|built_at|source_file|published"
    )


@pytest.mark.parametrize(
    ("folder", "stage", "reason"),
    [("quality", "audit", "No space left on device"), ("warehouse", "publish", "Read-only file system")],
    ids=["full-disk-at-audit", "read-only-at-publish"],
)
def test_a_full_or_read_only_disk_at_audit_or_publish_is_one_line(tmp_path, published_home, folder, stage, reason):
    home = copy_home(published_home, tmp_path / "home")
    sli(home, "build", "--full-refresh")
    if stage == "publish":
        sli(home, "audit")
    target, kept = home / folder, tmp_path / "kept"
    shutil.move(target, kept)
    target.mkdir()
    options = "size=64k" if stage == "audit" else "size=4g"
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True, text=True
    )
    assert mounted.returncode == 0, f"this test needs to mount a tmpfs (root): {mounted.stderr}"
    try:
        if stage == "publish":
            for path in kept.iterdir():
                shutil.copy2(path, target / path.name) if path.is_file() else None
            subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True)
        result = sli(home, stage, check=False)
        _one_line_error(result, reason)
    finally:
        subprocess.run(["umount", str(target)], check=True)


def test_sli_sql_writes_nothing_beside_the_published_file_and_keeps_to_its_limits(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    before = sorted(path.name for path in (home / "warehouse").iterdir())
    heavy = "select count(distinct md5(range::varchar)) from range(20000000)"
    result = sli(home, "sql", heavy, env={"SLI_SQL_MEMORY_MB": "512"})
    assert "20000000" in result.stdout
    too_big = sli(home, "sql", heavy, check=False, env={"SLI_SQL_MEMORY_MB": "64"})
    _one_line_error(too_big, "query failed: Out of Memory Error", "a query may use SLI_SQL_MEMORY_MB of memory")
    assert sorted(path.name for path in (home / "warehouse").iterdir()) == before
    settings = sli(
        home,
        "sql",
        "select current_setting('temp_directory') as spill, current_setting('max_temp_directory_size') as most",
        "--format",
        "json",
        env={"SLI_SQL_SPILL_MB": "10"},
    )
    [row] = json.loads(settings.stdout)
    assert not Path(row["spill"]).is_relative_to(home) and row["most"] == "9.5 MiB"
    refused = sli(home, "sql", "select count(*) from read_blob('warehouse/*')", check=False)
    _one_line_error(refused, "query refused")


def test_sli_sql_stops_at_its_time_limit_and_at_once_on_sigterm(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    started = time.monotonic()
    result = sli(home, "sql", SLOW_QUERY, check=False, env={"SLI_SQL_SECONDS": "1"})
    _one_line_error(result, "query stopped after 1 s, the most a query may run (SLI_SQL_SECONDS)")
    assert time.monotonic() - started < 30  # a guard against running on; not a timing target
    process = subprocess.Popen(
        [str(BIN / "sli"), "sql", SLOW_QUERY],
        cwd=REPO,
        env={**os.environ, "SLI_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=20)  # it stopped within seconds, not when the query ended
    assert process.returncode == 128 + signal.SIGTERM and "stopped by SIGTERM" in stderr


def test_sli_sql_shows_floats_as_people_read_them_and_keeps_them_exact_when_asked(published_home):
    query = "select 0.1::double + 0.2::double as x"  # 0.30000000000000004 in binary
    assert sli(published_home, "sql", query).stdout.splitlines()[2].strip() == "0.3"
    assert sli(published_home, "sql", query, "--format", "csv").stdout.splitlines() == ["x", "0.3"]
    assert sli(published_home, "sql", query, "--format", "csv", "--raw").stdout.splitlines()[1] == "0.30000000000000004"
    assert json.loads(sli(published_home, "sql", query, "--format", "json").stdout) == [{"x": 0.30000000000000004}]
