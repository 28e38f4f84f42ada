"""What Airflow costs: DAG file import times, and the warehouse steps under Airflow against `sli` alone.

    .venv/bin/python -m bench.airflow               # the full sample basket
    .venv/bin/python -m bench.airflow --metrics 6   # smaller

Import time: each DAG file is parsed in a fresh process after Airflow itself is imported, as the
dag-processor does; the target is under 0.5 s a file. Overhead: the same raw zone is built, audited,
published and reported once by `sli` commands and once by `sli run-dags sli_warehouse` (Airflow's
`dag.test()` runner against SQLite metadata).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.__main__ import RESULTS
from bench.stages import SLI, run_stage
from ingestion.sources import SOURCES

BIN = Path(sys.executable).parent
DAGS = Path(__file__).resolve().parent.parent / "dags"
IMPORT_ONE = """
import sys, time
from pathlib import Path
import airflow
from airflow.dag_processing.dagbag import BundleDagBag
started = time.perf_counter()
# As the DAG processor parses a bundle: its folder on sys.path, so DAG files import their helpers.
bag = BundleDagBag(dag_folder=sys.argv[1], bundle_path=Path(sys.argv[1]).parent)
elapsed = time.perf_counter() - started
assert not bag.import_errors, bag.import_errors
print(elapsed)
"""


def dag_import_seconds(environment: dict[str, str]) -> dict[str, float]:
    times = {}
    for path in sorted(DAGS.glob("*.py")):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_ONE, str(path)], env=environment, capture_output=True, text=True, check=True
        )
        times[path.name] = round(float(out.stdout.strip().splitlines()[-1]), 3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--metrics", type=int, default=None, help="basket metrics (default: all 97)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sli-bench-airflow-") as folder:
        home = Path(folder) / "direct"
        environment = {
            **os.environ,
            "SLI_HOME": str(home),
            "AIRFLOW_HOME": str(Path(folder) / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        }
        imports = dag_import_seconds(environment)
        run_stage(home, ["sample", *(["--metrics", str(options.metrics)] if options.metrics else [])])
        run_stage(home, *[["ingest", source] for source in SOURCES])
        shutil.copytree(home, Path(folder) / "airflow_home")
        direct = sum(run_stage(home, [step])["wall_s"] for step in ("build", "audit", "publish", "report"))
        subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=environment, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run(
            [str(SLI), "run-dags", "sli_warehouse"],
            check=True,
            capture_output=True,
            env={**environment, "SLI_HOME": str(Path(folder) / "airflow_home")},
        )
        under_airflow = time.perf_counter() - started

    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": options.metrics or 97,
        "dag_import_s": imports,
        "warehouse_direct_s": round(direct, 2),
        "warehouse_under_airflow_s": round(under_airflow, 2),
        "airflow_overhead_s": round(under_airflow - direct, 2),
    }
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / f"airflow-{result['measured_at'].replace(':', '')}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
