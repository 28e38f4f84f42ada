"""Run one `sli` command as its own process and measure it: wall time, CPU time, peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from core import duckdb_limits

SLI = Path(sys.executable).with_name("sli")


class StageFailed(Exception):
    """A stage's command exited non-zero; the message ends with its error output."""


def _disk_mb(folders: list[Path]) -> float:
    """What the files under FOLDERS take on disk, in MB (allocated blocks, as spill files are sparse)."""
    taken = 0
    for folder in folders:
        for path in folder.rglob("*") if folder.is_dir() else ():
            try:
                taken += path.lstat().st_blocks * 512
            except FileNotFoundError:  # a spill file removed while we looked
                pass
    return taken / 2**20


def measure(argv: list[str], env: dict | None = None, spill: list[Path] | None = None) -> tuple[dict, str]:
    """Run ARGV to its end; return its wall and CPU seconds, peak RSS (children included) and the most the
    SPILL folders held while it ran (sampled every half second), and its stdout."""
    # Output goes to files, not pipes: a load prints a line per file, more than a pipe holds unread.
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr)
        peak_spill, done = [0.0], threading.Event()

        def sample_spill() -> None:  # beside the wait, so the wall time is the process's to the microsecond
            while not done.wait(0.5):
                peak_spill[0] = max(peak_spill[0], _disk_mb(spill or []))

        sampler = threading.Thread(target=sample_spill, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        peak_spill = peak_spill[0]
        stdout.seek(0), stderr.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise StageFailed(f"{' '.join(argv[:3])} failed after {wall:.0f} s: {stderr.read().decode()[-4000:]}")
        return (
            {
                "wall_s": round(wall, 3),
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
                "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                "peak_spill_mb": round(peak_spill, 1),
            },  # ru_maxrss is in KiB on Linux
            stdout.read().decode(),
        )


def run_stage(home: Path, *commands: list[str]) -> dict:
    """Run `sli` commands one after another against HOME; return their summed wall and CPU seconds, the
    peak resident memory of any of them (with its children, e.g. dbt), and the most DuckDB spilled: beside
    the candidate (dbt) and in the private spill folder every other connection uses."""
    spill = [home / "warehouse" / "candidate.duckdb.tmp", Path(duckdb_limits.limits()["temp_directory"])]
    environment = {**os.environ, "SLI_HOME": str(home)}
    figures = [measure([str(SLI), *command], environment, spill)[0] for command in commands]
    return {
        "wall_s": round(sum(f["wall_s"] for f in figures), 3),
        "cpu_s": round(sum(f["cpu_s"] for f in figures), 3),
        "peak_rss_mb": max(f["peak_rss_mb"] for f in figures),
        "peak_spill_mb": max(f["peak_spill_mb"] for f in figures),
    }
