"""Airflow DAG: ingest LGA resident satisfaction polls into the raw zone (daily 05:00, UK time)."""

from sli_airflow.wiring import ingest_dag

dag = ingest_dag("polls", "LGA resident satisfaction polls", cron="0 5 * * *")
