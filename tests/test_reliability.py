"""Attacks on the refresh: SIGKILL at every stage, readers during a refresh, a full or read-only disk,
re-runs and backfills. The published warehouse must always be whole, the last good one, and readable."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import BIN, REPO, SMALL_SAMPLE, assert_same_marts, copy_home, mart_frames, sli
from ingestion.landing import sha256_of

NEXT_QUARTERS = [
    "--metrics",
    "6",
    "--quarterly",
    "--lginform-format",
    "csv",
    "--only",
    "lginform",
    "--first-year",
    "2025",
    "--last-year",
    "2025",
    "--last-quarter",
    "2",
]


def _new_downloads(tmp_path: Path, home: Path) -> None:
    """Two more quarters of six metrics, dropped into the inbox as a new delivery."""
    sli(tmp_path / "delivery", "sample", *NEXT_QUARTERS)
    for path in (tmp_path / "delivery" / "inbox" / "lginform").glob("data_*.csv"):
        shutil.copyfile(path, home / "inbox" / "lginform" / f"next_{path.name}")


def _touch_raw(home: Path) -> None:
    """Change one raw file's modification time: the raw zone is then not the one the warehouse was built from."""
    raw = next((home / "raw" / "polls" / "answers").glob("polls-*.parquet"))
    os.utime(raw, ns=(raw.stat().st_atime_ns, raw.stat().st_mtime_ns + 1))


def _refresh_killed_at(home: Path, pattern: str, delay: float = 0.0, on_match=None) -> list[str]:
    """Run `sli refresh` and SIGKILL its whole process tree (dbt included) DELAY seconds after a line
    matches PATTERN; ON_MATCH runs first, at the match."""
    process = subprocess.Popen(
        [str(BIN / "sli"), "refresh", "-v"],  # every file's line, dbt's and each stage's start
        cwd=REPO,
        text=True,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SLI_HOME": str(home), "PYTHONUNBUFFERED": "1"},
    )
    seen = []
    for line in process.stdout:
        seen.append(line.rstrip())
        if re.search(pattern, line):
            if on_match:
                on_match()
            time.sleep(delay)
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL, f"never saw {pattern!r}:\n" + "\n".join(seen[-20:])
    return seen


def _assert_raw_and_ledger_consistent(home: Path) -> None:
    """Every raw file is whole and belongs to a load the ledger records as complete."""
    with sqlite3.connect(home / "ledger.sqlite") as con:
        loaded = {row[0] for row in con.execute("select load_id from loads where status = 'loaded'")}
    for path in (home / "raw").glob("*/*/*.parquet"):
        if path.name == "_schema.parquet":
            continue
        assert path.stem in loaded, f"{path} has no complete load in the ledger"
        pq.read_metadata(path)  # a torn file would fail here


def test_sigkill_at_every_stage_leaves_the_last_good_warehouse(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    before_sha, before = sha256_of(published), mart_frames(published)
    _new_downloads(tmp_path, home)

    stages = [
        ("mid-load", r"^\s+loaded\s+lginform/next_", 0.0),
        ("mid-build", r"START sql (table|incremental) model main\.fct_council_benchmarks", 0.3),
        ("mid-audit", r"^audit\s+starting", 1.0),
        ("just before publish", r"^audit\s+passed", 0.0),
    ]
    for stage, pattern, delay in stages:
        _refresh_killed_at(home, pattern, delay)
        assert sha256_of(published) == before_sha, stage
        _assert_raw_and_ledger_consistent(home)
        if stage == "mid-load":  # the loads the kill cut short were 'running'; the next command closes them
            sli(home, "status")
            with sqlite3.connect(home / "ledger.sqlite") as con:
                statuses = dict(con.execute("select status, count(*) from loads group by status").fetchall())
                interrupted = con.execute(
                    "select count(*) from loads where status = 'failed' and message like"
                    " 'interrupted: the process that ran it ended%'"
                ).fetchone()[0]
            assert "running" not in statuses and interrupted >= 1, statuses
    assert_same_marts(mart_frames(published), before)


def test_sigkill_during_publish_leaves_the_old_or_the_audited_warehouse(tmp_path, published_home):
    """The rename is atomic, so the warehouse is the old one or the audited new one."""
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    before_sha = sha256_of(published)
    _new_downloads(tmp_path, home)
    stamp, audited = home / "warehouse" / "candidate.audit.json", set()

    def remember_audited() -> None:  # the stamp is there once the audit has passed, until publish ends
        audited.add(json.loads(stamp.read_text())["candidate_sha256"])

    for delay in (0.0, 0.005, 0.02, 0.05):
        _touch_raw(home)  # once a kill came too late and the publish finished, there would be nothing new
        _refresh_killed_at(home, r"^audit\s+passed", delay, on_match=remember_audited)
        assert sha256_of(published) in {before_sha, *audited}, delay
        mart_frames(published)  # opens and reads whole
        _assert_raw_and_ledger_consistent(home)

    # Published now, or already by the last kill's refresh when it came after the rename.
    result = sli(home, "refresh")
    assert re.search(r"^publish\s+\S.*sli\.duckdb|the published warehouse is up to date", result.stdout, re.M)
    with duckdb.connect(str(published), read_only=True) as con:
        assert (
            con.execute("select count(*) from fct_council_metric_values where period_id = 'q2_2025_26'").fetchone()[0]
            > 0
        )


READER = """
import json, sys, time
import duckdb
database, stop, out = sys.argv[1:4]
answers = []
while True:
    started = time.perf_counter()
    try:
        with duckdb.connect(database, read_only=True) as con:
            answer = [con.execute("select count(*), max(period_id) from fct_council_metric_values").fetchone(),
                      con.execute("select count(*), sum(metrics_with_polarity) from mart_sector_overview").fetchone()]
        answer = json.loads(json.dumps(answer, default=str))
        answers.append({"seconds": time.perf_counter() - started, "answer": answer})
    except Exception as exc:
        answers.append({"seconds": time.perf_counter() - started, "error": repr(exc)})
    if len(answers) > 20 and __import__("os").path.exists(stop):
        break
    time.sleep(0.02)
json.dump(answers, open(out, "w"))
"""


def _answer(database: Path) -> list:
    with duckdb.connect(str(database), read_only=True) as con:
        answer = [
            con.execute("select count(*), max(period_id) from fct_council_metric_values").fetchone(),
            con.execute("select count(*), sum(metrics_with_polarity) from mart_sector_overview").fetchone(),
        ]
    return json.loads(json.dumps(answer, default=str))


def test_readers_during_a_refresh_never_fail_wait_or_see_a_mix(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    old = _answer(published)
    _new_downloads(tmp_path, home)
    stop, out = tmp_path / "stop", tmp_path / "answers.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop), str(out)])
    try:
        sli(home, "refresh")
    finally:
        stop.touch()
        reader.wait(timeout=120)
    new = _answer(published)
    assert new != old
    answers = json.loads(out.read_text())
    assert [a for a in answers if "error" in a] == []
    assert max(a["seconds"] for a in answers) < 1.0
    assert {json.dumps(a["answer"]) for a in answers} <= {json.dumps(old), json.dumps(new)}
    assert json.dumps(new) in {json.dumps(a["answer"]) for a in answers}  # readers saw the swap happen


@pytest.mark.parametrize("mount_options", ["size={size}", "ro"], ids=["disk-full", "read-only"])
def test_a_build_that_cannot_write_fails_clearly_and_changes_nothing(tmp_path, published_home, mount_options):
    home = copy_home(published_home, tmp_path / "home")
    warehouse = home / "warehouse"
    kept = tmp_path / "kept"
    shutil.move(warehouse, kept)
    warehouse.mkdir()
    size = (kept / "sli.duckdb").stat().st_size + 2**20  # room for the published file, not for a candidate
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(warehouse)], capture_output=True, text=True
    )
    assert mounted.returncode == 0, f"this test needs to mount a tmpfs (root): {mounted.stderr}"
    try:
        for path in kept.iterdir():
            shutil.copy2(path, warehouse / path.name) if path.is_file() else None
        if mount_options == "ro":
            subprocess.run(["mount", "-o", "remount,ro", str(warehouse)], check=True)
        before = sha256_of(warehouse / "sli.duckdb")
        _new_downloads(tmp_path, home)
        result = sli(home, "refresh", check=False)
        assert result.returncode != 0 and "Traceback" not in result.stdout + result.stderr
        reason = "No space left on device" if mount_options.startswith("size") else "Read-only file system"
        assert reason in result.stderr
        assert sha256_of(warehouse / "sli.duckdb") == before
        assert not (warehouse / "candidate.duckdb").exists()
    finally:
        subprocess.run(["umount", str(warehouse)], check=True)


def test_the_same_inputs_twice_give_identical_marts(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    before = mart_frames(home / "warehouse" / "sli.duckdb")
    sli(home, "build", "--full-refresh")  # from nothing again, on the same raw zone
    assert_same_marts(mart_frames(home / "warehouse" / "candidate.duckdb"), before)


def test_a_refresh_with_nothing_new_builds_and_publishes_nothing(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    files = sorted((home / "warehouse").glob("*.duckdb"))
    before = {path.name: sha256_of(path) for path in files}
    again = sli(home, "refresh")
    assert re.search(r": \d+ file\(s\): 0 loaded, \d+ skipped", again.stdout) and "nothing new since" in again.stdout
    assert not re.search(r"^(build|audit|publish) ", again.stdout, re.M)
    assert {path.name: sha256_of(path) for path in sorted((home / "warehouse").glob("*.duckdb"))} == before
    # A raw zone that differs from the one the warehouse was built from is not "nothing new".
    _touch_raw(home)
    rebuilt = sli(home, "refresh")
    assert re.search(r"^build\s+(\d+) of \1 dbt nodes", rebuilt.stdout, re.M)


def test_a_backfill_gives_the_marts_of_loading_in_order(tmp_path):
    """Loading an older year after a newer one gives the marts of loading them in order."""
    scale = ["--metrics", "4", "--quarterly", "--lginform-format", "csv"]
    older, newer = tmp_path / "older", tmp_path / "newer"
    sli(older, "sample", *scale, "--only", "lginform", "--first-year", "2022", "--last-year", "2022")
    sli(newer, "sample", *scale, "--only", "lginform", "--first-year", "2023", "--last-year", "2023")
    marts = {}
    for name, order in (("in order", [older, newer]), ("backfill", [newer, older])):
        home = tmp_path / name.replace(" ", "_")
        sli(home, "sample", *scale, "--first-year", "2022", "--last-year", "2023")
        shutil.rmtree(home / "inbox" / "lginform")
        (home / "inbox" / "lginform").mkdir()
        for delivery in order:
            sli(home, "ingest", "lginform", str(delivery / "inbox" / "lginform"))
            sli(home, "refresh")
        marts[name] = mart_frames(home / "warehouse" / "sli.duckdb")
    # When each value was loaded differs, by design; every figure must not.
    assert_same_marts(marts["backfill"], marts["in order"], ignore=r"loaded_at|superseded_at|load_id|source_file")


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def test_one_writer_at_a_time_and_sigterm_stops_dbt_and_changes_nothing(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    before = sha256_of(published)
    build = subprocess.Popen(
        [str(BIN / "sli"), "build", "--full-refresh"],
        cwd=REPO,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "SLI_HOME": str(home), "PYTHONUNBUFFERED": "1"},
    )
    for line in build.stdout:
        if "START sql" in line:  # dbt is writing the candidate
            break
    try:
        # Other writers, all at once while dbt runs, are refused at once, told who holds the warehouse.
        others = {
            command: subprocess.Popen(
                [str(BIN / "sli"), command],
                cwd=REPO,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**os.environ, "SLI_HOME": str(home)},
            )
            for command in ("refresh", "build", "publish", "rollback", "audit")
        }
        refusals = {command: (process.wait(), process.stderr.read()) for command, process in others.items()}
        assert build.poll() is None, "the build ended before the other writers asked"
        for command, (returncode, errors) in refusals.items():
            assert returncode == 1 and "Traceback" not in errors, (command, errors)
            assert re.search(
                rf"cannot start \w+.*: pid {build.pid} on \S+ is building the candidate since \d{{4}}-", errors
            ), (command, errors)
        dbt = _children(build.pid)
        assert dbt and all(_running(pid) for pid in dbt)
    finally:
        build.send_signal(signal.SIGTERM)  # to sli alone, as a scheduler stopping a task would
        _, errors = build.communicate(timeout=60)
    assert build.returncode == 128 + signal.SIGTERM, errors
    assert "stopped by SIGTERM" in errors and "Traceback" not in errors
    deadline = time.monotonic() + 15
    while any(_running(pid) for pid in dbt) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in dbt), "dbt outlived the build it belonged to"
    assert sha256_of(published) == before
    assert not (home / "warehouse" / "candidate.duckdb").exists()
    # The lock went with its holder: the next writer goes ahead.
    assert "candidate written to" in sli(home, "build").stdout


def test_any_sli_home_works_even_with_quotes_brackets_and_commas(tmp_path):
    # The folder's name reaches dbt, DuckDB and the report only as a value, never inside SQL or a glob.
    home = tmp_path / "it's [the] home, {x} (1) $HOME"
    sli(home, "sample", *SMALL_SAMPLE, "--first-year", "2023")
    result = sli(home, "refresh")
    assert re.search(r"^publish\s+\S.*sli\.duckdb", result.stdout, re.M)
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from fct_council_metric_values").fetchone()[0] > 0
    assert int(sli(home, "sql", "select count(*) as n from dim_metric", "--format", "csv").stdout.split()[1]) > 0


def test_a_lost_or_damaged_raw_file_stops_the_build_and_is_mended_from_landing(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    before_sha, before = sha256_of(published), mart_frames(published)
    with sqlite3.connect(home / "ledger.sqlite") as con:
        (lost_id, lost_files), (damaged_id, damaged_name, damaged_files) = (
            con.execute(
                "select load_id, raw_files from loads where source = 'lginform' and status = 'loaded'"
                " and file_name like 'data_%' order by load_id limit 1"
            ).fetchall()[0],
            con.execute(
                "select load_id, file_name, raw_files from loads where source = 'polls' and status = 'loaded'"
                " order by load_id limit 1"
            ).fetchall()[0],
        )
    lost, damaged = home / "raw" / json.loads(lost_files)[0], home / "raw" / json.loads(damaged_files)[0]
    lost.unlink()
    damaged.write_bytes(damaged.read_bytes()[:100])
    stray = home / "raw" / "ope" / "outputs" / "copied-in-by-hand.parquet"
    shutil.copyfile(next((home / "raw" / "ope" / "outputs").glob("ope-*.parquet")), stray)

    doctor = sli(home, "doctor", check=False)
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
    assert f"{lost}: missing [load {lost_id}" in doctor.stdout
    assert f"{damaged}: unreadable" in doctor.stdout and f"[load {damaged_id} ({damaged_name})]" in doctor.stdout
    assert f"{stray}: not written by any complete load" in doctor.stdout
    refused = sli(home, "refresh", check=False)
    assert refused.returncode == 1 and "the raw zone does not match the ledger" in refused.stderr
    assert sha256_of(published) == before_sha

    assert "loaded" in sli(home, "ingest", "lginform", "--reload", lost_id).stdout
    assert "loaded" in sli(home, "ingest", "polls", "--reload", damaged_name).stdout
    stray.unlink()
    assert "agree" in sli(home, "doctor").stdout
    with sqlite3.connect(home / "ledger.sqlite") as con:
        statuses = dict(con.execute("select load_id, status from loads where load_id in (?, ?)", (lost_id, damaged_id)))
    assert statuses == {lost_id: "retracted", damaged_id: "retracted"}
    assert re.search(
        r"^publish\s", sli(home, "refresh").stdout, re.M
    )  # a full build: the replaced loads' rows leave with them
    assert_same_marts(mart_frames(published), before, ignore=r"load|built_at")


def test_a_retracted_load_leaves_the_warehouse_at_the_next_refresh(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    count = "select count(*) from fct_poll_answers"
    with sqlite3.connect(home / "ledger.sqlite") as con:
        [(load_id, rows, landed), (other_id, other_rows, _)] = con.execute(
            "select load_id, rows_accepted, landed_path from loads where"
            " source = 'polls' and status = 'loaded' order by load_id limit 2"
        )
        [(other_file,)] = con.execute("select file_name from loads where load_id = ?", [other_id])
    with duckdb.connect(str(published), read_only=True) as con:
        [(answers,)] = con.execute(count).fetchall()
    status = sli(home, "status", "--source", "polls").stdout
    assert status.startswith("load_id") and load_id in status and other_id in status  # the ids to retract by
    assert f"retracted {load_id}" in sli(home, "retract", load_id).stdout
    assert f"retracted {other_id} (polls/{other_file})" in sli(home, "retract", other_file).stdout  # or by name
    assert not list((home / "raw").glob(f"*/*/{load_id}.parquet"))
    assert Path(landed).is_file()  # landing keeps the file
    assert re.search(r"^publish\s", sli(home, "refresh").stdout, re.M)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute(count).fetchall() == [(answers - rows - other_rows,)]
    refused = sli(home, "retract", load_id, check=False)
    assert refused.returncode == 1 and "is already retracted" in refused.stderr


@pytest.mark.parametrize(
    ("folder", "options", "reason"),
    [("raw", "size=40k", "No space left on device"), ("landing", "ro", "Read-only file system")],
    ids=["raw-full", "landing-read-only"],
)
def test_ingest_onto_a_full_or_read_only_disk_fails_file_by_file_and_loses_nothing(tmp_path, folder, options, reason):
    home = tmp_path / "home"
    sli(home, "sample", *SMALL_SAMPLE, "--first-year", "2023", "--only", "lginform")
    inbox = {path.name: sha256_of(path) for path in (home / "inbox" / "lginform").iterdir()}
    target = home / folder
    target.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options.replace("ro", "size=1m"), "tmpfs", str(target)],
        capture_output=True,
        text=True,
    )
    assert mounted.returncode == 0, f"this test needs to mount a tmpfs (root): {mounted.stderr}"
    try:
        if options == "ro":
            subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True)
        result = sli(home, "ingest", "lginform", check=False)
        out = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in out and reason in out, out
        with sqlite3.connect(home / "ledger.sqlite") as con:
            statuses = dict(con.execute("select status, count(*) from loads group by status").fetchall())
        if folder == "raw":  # some loads fitted; the rest failed whole, and each says why in one line
            assert set(statuses) <= {"loaded", "failed"} and statuses.get("failed", 0) >= 1, statuses
            assert re.search(
                r"rejected lginform/\S+: file \S+: cannot write it to the raw zone \(.*No space left on device", out
            )
            assert "agree" in sli(home, "doctor").stdout  # no half-written raw file of a failed load
        else:  # nothing could land, so nothing was loaded
            assert statuses == {} and out.count("cannot copy it into landing (Read-only file system)") == len(inbox)
    finally:
        subprocess.run(["umount", str(target)], check=True)
    assert {path.name: sha256_of(path) for path in (home / "inbox" / "lginform").iterdir()} == inbox
    again = sli(home, "ingest", "lginform")  # with room again, every file that did not load loads
    assert "rejected" not in again.stdout
    with sqlite3.connect(home / "ledger.sqlite") as con:
        loaded = con.execute("select count(distinct file_sha256) from loads where status = 'loaded'").fetchall()
    assert loaded == [(len(inbox),)]


def test_a_long_file_name_is_shortened_in_landing_and_kept_whole_in_the_ledger(tmp_path):
    home = tmp_path / "home"
    sli(home, "sample", *SMALL_SAMPLE, "--first-year", "2023", "--only", "ope")
    [source] = [p for p in (home / "inbox" / "ope").iterdir() if "outputs" in p.name]
    long_name = "one_public_estate_outputs_" + "x" * 215 + ".csv"  # 245 characters
    source.rename(source.with_name(long_name))
    result = sli(home, "ingest", "ope")
    assert f"loaded   ope/{long_name}" in result.stdout
    with sqlite3.connect(home / "ledger.sqlite") as con:
        [(landed,)] = con.execute("select landed_path from loads where file_name = ?", (long_name,))
    assert len(Path(landed).name) <= 140 and landed.endswith(".csv") and Path(landed).is_file()


def test_a_damaged_ledger_is_one_clear_error(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    ledger = home / "ledger.sqlite"
    ledger.write_bytes(ledger.read_bytes()[:1000])  # truncated
    for command in (["status"], ["refresh"], ["doctor"]):
        result = sli(home, *command, check=False)
        assert result.returncode == 1 and "Traceback" not in result.stderr, (command, result.stderr)
        assert f"the load ledger {ledger} cannot be used" in result.stderr, (command, result.stderr)


def test_a_report_killed_half_written_is_never_taken_for_current(tmp_path, published_home):
    """The pages are written aside and put in place with the overview last. A refresh killed once 20
    council pages are written, in a home with no report yet, leaves no overview page newer than the
    warehouse (which the next refresh would take as current), and the next refresh writes all of it."""
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    councils = len(list(next(home.glob("reports/*/councils")).glob("*.html")))
    shutil.rmtree(home / "reports")
    _touch_raw(home)
    process = subprocess.Popen(
        [str(BIN / "sli"), "refresh"],
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "SLI_HOME": str(home)},
    )
    deadline = time.monotonic() + 300
    while len(list(home.glob("reports/**/councils/*.html"))) < 20 and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL  # killed mid-report, not after it
    current = [p for p in home.glob("reports/*/index.html") if p.stat().st_mtime_ns >= published.stat().st_mtime_ns]
    assert all(len(list((p.parent / "councils").glob("*.html"))) == councils for p in current)

    sli(home, "refresh")
    [page] = [p for p in home.glob("reports/*/index.html") if p.stat().st_mtime_ns >= published.stat().st_mtime_ns]
    assert len(list((page.parent / "councils").glob("*.html"))) == councils
    assert not (page.parent / ".partial").exists()
