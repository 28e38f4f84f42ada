"""Run the refresh through the Airflow DAGs themselves, with Airflow's own test runner (`dag.test()`).

Used by the quick start and the tests (`sli run-dags` runs `python -m sli_airflow.runner` with this
folder on the path): the same DAGs a scheduler would run, executed in one process against the local
SQLite metadata database, so no scheduler or workers are needed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.errors import SliError, UsageError
from core.settings import DAGS_DIR
from ingestion.sources import SOURCES

DAGS_FOLDER = DAGS_DIR
REFRESH_DAGS = [f"sli_ingest_{source}" for source in SOURCES] + ["sli_warehouse"]


@dataclass(frozen=True)
class DagOutcome:
    dag_id: str
    state: str
    task_states: dict[str, str]

    def describe(self) -> str:
        """`sli_ingest_polls: success (ingest=success)`, or for a run that skipped everything, why."""
        tasks = ", ".join(f"{task}={state}" for task, state in self.task_states.items())
        if self.state == "success" and set(self.task_states.values()) == {"skipped"}:
            return f"{self.dag_id}: nothing new, {_nothing_new(self.dag_id)} ({tasks})"
        return f"{self.dag_id}: {self.state} ({tasks})"


def _nothing_new(dag_id: str) -> str:
    from core.settings import get_paths
    from warehouse.build import up_to_date

    if dag_id.startswith("sli_ingest_"):
        return "every file in its inbox is loaded already"
    built_at = up_to_date(get_paths())
    since = f" since {built_at:%Y-%m-%d %H:%M:%S %Z}" if built_at else ""
    return f"the published warehouse is up to date{since}"


def prepare_metadata() -> None:
    """Give a new AIRFLOW_HOME its migrated metadata database and the writer pool, so that the first
    `sli run-dags` needs no setup (what `airflow db migrate` and `airflow pools set` do)."""
    from airflow.models.pool import Pool
    from airflow.utils import db

    from sli_airflow.wiring import WRITER_POOL, WRITER_POOL_DOC

    try:
        db.check_migrations(timeout=1)
    except TimeoutError:
        print("  preparing Airflow's metadata database (first run in this AIRFLOW_HOME)", flush=True)
        db.upgradedb()
    Pool.create_or_update_pool(WRITER_POOL, 1, WRITER_POOL_DOC, include_deferred=False)


def log_to_file() -> Path:
    """Send Airflow's logging, and every task's, tracebacks included, to one file per run under
    AIRFLOW_HOME/logs/run-dags; the console gets the tasks' own lines (logger `sli`: progress with counts,
    as `sli refresh` prints it, warnings and a rejected file's reason) and each DAG's outcome."""
    from airflow.sdk.log import configure_logging

    folder = Path(os.environ["AIRFLOW_HOME"]) / "logs" / "run-dags"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{datetime.now(UTC):%Y-%m-%dT%H%M%SZ}.log"
    configure_logging(log_level="INFO", output=path.open("a", encoding="utf-8"), colored_console_log=False)
    console = logging.StreamHandler(sys.stdout)
    console.setFormatter(logging.Formatter("    %(message)s"))
    console.addFilter(lambda record: record.name == "sli")  # not sli.airflow's alert line: the outcome says it
    logging.getLogger("sli").addHandler(console)
    logging.getLogger("sli").setLevel(logging.INFO)
    return path


def load_dags() -> dict:
    """Parse the DAG folder; any import error is an error here, never a silent '0 DAGs'."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    if bag.import_errors:
        details = "; ".join(f"{path}: {error.strip().splitlines()[-1]}" for path, error in bag.import_errors.items())
        raise SliError(f"DAG import errors: {details}")
    return bag.dags


def run_dag(dag, run_conf: dict | None = None) -> DagOutcome:
    from airflow.sdk import timezone

    # While a skip passes down a run, the test runner logs "No tasks to run. unrunnable tasks: {...}" each
    # second: its own bookkeeping, not a fault, which would fill the run's log; the outcome line says what
    # happened. Set here, after Airflow has configured its logging.
    logging.getLogger("airflow.sdk.definitions.dag").setLevel(logging.ERROR)
    run = dag.test(logical_date=timezone.utcnow(), run_conf=run_conf)
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    return DagOutcome(dag.dag_id, str(run.state), states)


def run_refresh(
    dag_ids: list[str] = REFRESH_DAGS, conf: dict | None = None, on_outcome=lambda outcome: None
) -> list[DagOutcome]:
    """Run each ingest DAG, then the warehouse DAG, each with the keys of `conf` it declares as params, telling
    ON_OUTCOME as each ends; stop at the first failure. A key no DAG declares is an error before anything runs."""
    dags = load_dags()
    unknown = [dag_id for dag_id in dag_ids if dag_id not in dags]
    if unknown:
        raise SliError(f"no such DAG: {', '.join(unknown)}; expected one of: {', '.join(sorted(dags))}")
    declared = {name for dag_id in dag_ids for name in dags[dag_id].params}
    if conf is not None and not isinstance(conf, dict):
        raise UsageError(
            f"--conf must be a JSON object of params (they take: {', '.join(sorted(declared))}),"
            f' e.g. \'{{"paths": ["poll.csv"]}}\'; got {type(conf).__name__}'
        )
    stray = sorted(set(conf or {}) - declared)
    if stray:
        raise UsageError(
            f"no DAG of {', '.join(dag_ids)} takes param(s) {', '.join(stray)};"
            f" they take: {', '.join(sorted(declared))}"
        )
    prepare_metadata()
    log_file = log_to_file()
    outcomes = []
    for dag_id in dag_ids:
        own = {key: value for key, value in (conf or {}).items() if key in dags[dag_id].params}
        outcome = run_dag(dags[dag_id], own or None)
        outcomes.append(outcome)
        on_outcome(outcome)
        if outcome.state != "success":
            failed = [task for task, state in outcome.task_states.items() if state == "failed"]
            raise SliError(
                f"DAG {dag_id} ended {outcome.state}; failed task(s): {', '.join(failed) or 'none'}"
                f" (the whole log, tracebacks included: {log_file})"
            )
    return outcomes


def main(argv: list[str] | None = None) -> int:
    # Airflow's test runner talks to its execution API through Starlette's test client, which warns on every
    # run that a future httpx is preferred: nothing a user of this runner can act on.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    parser = argparse.ArgumentParser(prog="sli run-dags", description=__doc__.splitlines()[0])
    parser.add_argument("dag_ids", nargs="*")
    parser.add_argument("--conf", default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        params = json.loads(args.conf) if args.conf else None
        run_refresh(args.dag_ids or REFRESH_DAGS, params, lambda outcome: print(f"  {outcome.describe()}", flush=True))
    except json.JSONDecodeError as exc:
        print(f"error: --conf is not JSON: {exc}", file=sys.stderr)
        return 1
    except SliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"DAG runs finished in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
