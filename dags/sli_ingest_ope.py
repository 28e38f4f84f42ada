"""Airflow DAG: ingest One Public Estate outputs into the raw zone (daily 05:00, UK time)."""

from sli_airflow.wiring import ingest_dag

dag = ingest_dag("ope", "One Public Estate outputs", cron="0 5 * * *")
