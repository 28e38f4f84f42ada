"""Build, audit, publish and report the warehouse when new raw data lands, and every quarter."""

from __future__ import annotations

from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, Param, dag, task

from sli_airflow.wiring import ANY_RAW_ASSET, PUBLISHED_WAREHOUSE, START_DATE, TIMEZONE, WAREHOUSE_ARGS, WRITER_POOL

DOC = """
### SLI warehouse

Runs when any source's raw zone has new rows (assets `sli_raw_*`) and at 06:00 on the first day
of each quarter. One `dbt build` writes a candidate DuckDB file (models and dbt tests); the Great
Expectations suites audit it; only an audited candidate replaces `SLI_HOME/warehouse/sli.duckdb`,
by atomic rename. A failure at any step leaves the published warehouse as it was.
Same steps as `sli build`, `sli audit`, `sli publish`, `sli report`. When nothing changed since the
published build (same project, same raw zone), `build` skips and so does everything after it. A manual
run may set `full_refresh` (dbt's `--full-refresh`), which always builds.
"""


@dag(
    dag_id="sli_warehouse",
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 6 1 1,4,7,10 *", timezone=TIMEZONE), assets=ANY_RAW_ASSET
    ),
    start_date=START_DATE,
    catchup=False,
    is_paused_upon_creation=False,  # as the ingest DAGs: new data is published without a manual step
    max_active_runs=1,
    default_args=WAREHOUSE_ARGS,
    tags=["sli", "warehouse"],
    doc_md=DOC,
    params={
        "full_refresh": Param(
            False, type="boolean", description="Pass dbt's --full-refresh: rebuild incremental models from scratch."
        )
    },
)
def sli_warehouse():
    @task(pool=WRITER_POOL)
    def build(params=None, dag_run=None, dag=None) -> str:
        from sli_airflow.tasks import build_task, check_conf

        check_conf(dag_run.conf, dag.params)
        return build_task(full_refresh=bool(params.get("full_refresh")))

    @task
    def audit() -> list:
        from sli_airflow.tasks import audit_task

        return audit_task()

    @task(pool=WRITER_POOL, outlets=[PUBLISHED_WAREHOUSE])
    def publish() -> str:
        from sli_airflow.tasks import publish_task

        return publish_task()

    @task
    def report() -> str:
        from sli_airflow.tasks import report_task

        return report_task()

    build() >> audit() >> publish() >> report()


sli_warehouse()
