"""Wiring shared by the SLI DAGs (dags/): assets, defaults, the writer pool and the failure callback.

Imported at DAG-parse time, so it imports nothing heavy and reads no file, Variable or Connection.
The work itself lives in the `ingestion` package, imported inside each task.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from airflow.sdk import Asset

from ingestion.sources import SOURCES

if TYPE_CHECKING:
    from ingestion.declaration import Source

# Every task that writes a DuckDB file runs in this one-slot pool: DuckDB allows a single writer.
WRITER_POOL = "sli_duckdb_writer"
WRITER_POOL_DOC = "DuckDB allows one writer: every task that writes a DuckDB file"
START_DATE = datetime(2026, 1, 1)
TIMEZONE = "Europe/London"

log = logging.getLogger("sli.airflow")


def raw_asset(source: str) -> Asset:
    """Updated whenever new rows of SOURCE land in the raw zone."""
    return Asset(name=f"sli_raw_{source}", uri=f"sli://raw/{source}")


# The warehouse DAG runs when any source's raw zone has new rows.
ANY_RAW_ASSET = reduce(or_, (raw_asset(source) for source in SOURCES))
PUBLISHED_WAREHOUSE = Asset(name="sli_published_warehouse", uri="sli://warehouse/sli.duckdb")


def log_failure(context) -> None:
    """One clear line per failed task; an alert (e-mail, Teams, Slack) plugs in here."""
    ti = context.get("ti") or context.get("task_instance")
    log.error(
        "SLI task failed: dag=%s task=%s run=%s try=%s error=%s",
        getattr(ti, "dag_id", "?"),
        getattr(ti, "task_id", "?"),
        context.get("run_id"),
        getattr(ti, "try_number", "?"),
        context.get("exception"),
    )


# Ingest tasks touch files and remote APIs: retry with backoff, and never hold the source's lock for ever
# (LG Inform's client stops a run cleanly at 3 hours, before this). Build, audit and publish are
# deterministic on their inputs, so a retry would fail the same way: they do not retry.
INGEST_ARGS = {
    "owner": "sli",
    "execution_timeout": timedelta(hours=4),
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "on_failure_callback": log_failure,
}
WAREHOUSE_ARGS = {"owner": "sli", "retries": 0, "on_failure_callback": log_failure}


def ingest_dag(declaration: Source):
    """The DAG that ingests one declared source: a single task, emitting the source's raw asset."""
    from airflow.sdk import CronTriggerTimetable, Param, dag, task

    source, cron = declaration.name, declaration.schedule

    @dag(
        dag_id=f"sli_ingest_{source}",
        schedule=CronTriggerTimetable(cron, timezone=TIMEZONE),
        start_date=START_DATE,
        catchup=False,
        is_paused_upon_creation=False,  # the refresh should run once deployed; pause in the UI to hold it
        max_active_runs=1,
        default_args=INGEST_ARGS,
        tags=["sli", "ingest", source],
        doc_md=(
            f"### Ingest {declaration.title}\n\n"
            f"Lands and loads new files from `SLI_HOME/inbox/{source}` (or those named in the `paths` param, "
            f"under that inbox or a folder in `SLI_ALLOWED_FOLDERS`) into `SLI_HOME/raw/{source}`, recording "
            f"each load in the ledger. Emits the asset "
            f"`sli_raw_{source}` only when new rows landed; a run with nothing new is skipped. "
            f"Schedule: `{cron}` ({TIMEZONE}). Same step as `sli ingest {source}`."
            + (f"\n\n{declaration.ingest_doc}" if declaration.ingest_doc else "")
        ),
        params={
            "paths": Param(
                [],
                type="array",
                items={"type": "string", "minLength": 1},
                description="Files or folders to (re)load, relative to the source's inbox (or absolute, under"
                " it or a folder in SLI_ALLOWED_FOLDERS); empty: the inbox.",
            ),
            **(
                {
                    "metrics": Param(
                        [],
                        type="array",
                        items={"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
                        description="API: only these metric ids (empty: the basket).",
                    ),
                    "period": Param(
                        "",
                        type="string",
                        pattern="^[A-Za-z0-9_:,-]*$",
                        description="API: period ids or latest:N (empty: latest:20).",
                    ),
                }
                if declaration.api_params
                else {}
            ),
        },
    )
    def ingest_source():
        @task(outlets=[raw_asset(source)])
        def ingest(params=None, dag_run=None, dag=None) -> dict:
            from sli_airflow.tasks import check_conf, ingest_task

            check_conf(dag_run.conf, dag.params)
            options = {key: params[key] for key in ("metrics", "period") if params.get(key)}
            return ingest_task(source, params.get("paths") or [], options)

        ingest()

    ingest_source.__name__ = f"sli_ingest_{source}"
    return ingest_source()
