"""Airflow DAG: ingest LGA resident satisfaction polls into the raw zone (daily 05:00, UK time)."""

from ingestion.orchestration import ingest_dag

dag = ingest_dag("polls", "LGA resident satisfaction polls", cron="0 5 * * *")
