"""Airflow DAGs `sli_ingest_<source>`: one per declared source (`ingestion/sources/`), each landing and
loading its files into the raw zone on the source's own schedule."""

from ingestion.sources import declared
from sli_airflow.wiring import ingest_dag

for _source in declared().values():
    globals()[f"sli_ingest_{_source.name}"] = ingest_dag(_source)
