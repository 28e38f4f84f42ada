"""Ingest LGA resident satisfaction polls into the raw zone (daily 05:00, UK time)."""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, Param, dag, task
from ingestion.orchestration import INGEST_ARGS, START_DATE, TIMEZONE, ingest_dag_doc, raw_asset

SOURCE = "polls"


@dag(
    dag_id="sli_ingest_polls",
    schedule=CronTriggerTimetable("0 5 * * *", timezone=TIMEZONE),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=INGEST_ARGS,
    tags=["sli", "ingest", SOURCE],
    doc_md=ingest_dag_doc(SOURCE, "LGA resident satisfaction polls"),
    params={"paths": Param([], type="array", description="Files or folders to (re)load; empty: the inbox.")},
)
def sli_ingest_polls():
    @task(outlets=[raw_asset(SOURCE)])
    def ingest(params=None) -> dict:
        from ingestion.airflow_tasks import ingest_task

        return ingest_task(SOURCE, params.get("paths") or [])

    ingest()


sli_ingest_polls()
