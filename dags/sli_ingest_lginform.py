"""Airflow DAG: ingest LG Inform council performance metrics into the raw zone (weekly, Monday 05:00, UK time)."""

from ingestion.orchestration import ingest_dag

dag = ingest_dag("lginform", "LG Inform council performance metrics", cron="0 5 * * 1")
