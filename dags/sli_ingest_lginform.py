"""Airflow DAG: ingest LG Inform council performance metrics into the raw zone (weekly, Monday 05:00, UK time)."""

from sli_airflow.wiring import ingest_dag

dag = ingest_dag(
    "lginform",
    "LG Inform council performance metrics",
    cron="0 5 * * 1",
    more_doc="\n\nWith the Connection `sli_lginform` (login = key, password = secret, host = base URL) or"
    " `SLI_LGINFORM_KEY` set, it fetches the basket's changed metrics from the LG Inform API instead."
    " A usage-limit stop ends the task with what was fetched; the next run resumes. Manual runs may"
    " name the `metrics` and the `period` to (re)load.",
    api_params=True,
)
