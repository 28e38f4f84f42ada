"""Time every stage of a refresh at a chosen scale: wall time, CPU time and peak memory per stage.

    .venv/bin/python -m bench                 # the sample at real size (97 metrics, 2010/11-2024/25)
    .venv/bin/python -m bench --metrics 6     # smaller

Each stage runs as its own `sli` process in a fresh SLI_HOME, so peak memory is that stage's own.
Results go to bench/results/<timestamp>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SLI = Path(sys.executable).with_name("sli")
STAGES = [
    ("land+load", ["ingest-all"]),
    ("build", ["build"]),
    ("audit", ["audit"]),
    ("publish", ["publish"]),
    ("report", ["report"]),
    ("query", ["sql", "select * from mart_sector_overview"]),
]


def run_stage(home: Path, args: list[str]) -> dict:
    """Run one `sli` command; return wall seconds, CPU seconds and peak RSS of that process tree."""
    commands = ([["ingest", s] for s in ("lginform", "polls", "shared_services", "ope")]
                if args == ["ingest-all"] else [args])
    wall = cpu = 0.0
    peak_kb = 0
    for command in commands:
        started = time.perf_counter()
        process = subprocess.Popen([str(SLI), *command], env={**os.environ, "SLI_HOME": str(home)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall += time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"sli {' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
        cpu += usage.ru_utime + usage.ru_stime
        peak_kb = max(peak_kb, usage.ru_maxrss)  # children's peak, in KiB on Linux
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "peak_rss_mb": round(peak_kb / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--metrics", type=int, default=None, help="basket metrics (default: all 97)")
    parser.add_argument("--first-year", type=int, default=2010)
    parser.add_argument("--last-year", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=RESULTS)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sli-bench-") as folder:
        home = Path(folder)
        sample = ["sample", "--first-year", str(options.first_year), "--last-year", str(options.last_year)]
        if options.metrics:
            sample += ["--metrics", str(options.metrics)]
        figures = {"sample": run_stage(home, sample)}
        for name, args in STAGES:
            figures[name] = run_stage(home, args)
            print(f"{name:<10} {figures[name]}", flush=True)
        import duckdb

        with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
            values = con.execute("select count(*) from fct_council_metric_values").fetchone()[0]
        size_mb = (home / "warehouse" / "sli.duckdb").stat().st_size / 2**20

    refresh = ("land+load", "build", "audit", "publish", "report")
    result = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "scale": {"metrics": options.metrics or 97, "first_year": options.first_year, "last_year": options.last_year,
                  "metric_values": values},
        "warehouse_mb": round(size_mb, 1),
        "refresh_wall_s": round(sum(figures[s]["wall_s"] for s in refresh), 2),
        "load_rows_per_s": round(values / figures["land+load"]["wall_s"]),
        "stages": figures,
    }
    options.out.mkdir(parents=True, exist_ok=True)
    stamp = result["measured_at"].replace(":", "")
    (options.out / f"{stamp}.json").write_text(json.dumps(result, indent=1))
    lines = [f"Scale: {values:,} metric values; warehouse {size_mb:.1f} MB; refresh {result['refresh_wall_s']} s",
             "", "| stage | wall s | CPU s | peak RSS MB |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {name} | {f['wall_s']} | {f['cpu_s']} | {f['peak_rss_mb']} |" for name, f in figures.items()]
    (options.out / f"{stamp}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
