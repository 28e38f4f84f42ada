"""Airflow DAG: ingest One Public Estate outputs into the raw zone (daily 05:00, UK time)."""

from ingestion.orchestration import ingest_dag

dag = ingest_dag("ope", "One Public Estate outputs", cron="0 5 * * *")
