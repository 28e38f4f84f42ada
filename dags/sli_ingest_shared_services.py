"""Airflow DAG: ingest Shared Services Map editions into the raw zone (daily 05:00, UK time)."""

from sli_airflow.wiring import ingest_dag

dag = ingest_dag("shared_services", "Shared Services Map editions", cron="0 5 * * *")
