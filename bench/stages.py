"""Run one `sli` command as its own process and measure it: wall time, CPU time, peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

SLI = Path(sys.executable).with_name("sli")


class StageFailed(Exception):
    """A stage's command exited non-zero; the message ends with its error output."""


def run_stage(home: Path, *commands: list[str]) -> dict:
    """Run `sli` commands one after another against HOME; return their summed wall and CPU seconds and
    the peak resident memory of any of them (with its children, e.g. dbt)."""
    wall = cpu = 0.0
    peak_kb = 0
    for command in commands:
        started = time.perf_counter()
        process = subprocess.Popen([str(SLI), *command], env={**os.environ, "SLI_HOME": str(home)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # stderr is read only after exit: sli writes little there, well under a pipe's buffer.
        _, status, usage = os.wait4(process.pid, 0)
        wall += time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise StageFailed(f"sli {' '.join(command)} failed after {wall:.0f} s: {process.stderr.read().decode()[-4000:]}")
        cpu += usage.ru_utime + usage.ru_stime
        peak_kb = max(peak_kb, usage.ru_maxrss)  # the largest process of the tree, in KiB on Linux
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "peak_rss_mb": round(peak_kb / 1024, 1)}
