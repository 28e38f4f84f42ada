"""The bodies of the Airflow tasks: each runs one pipeline step and returns a small summary for XCom."""

from __future__ import annotations

import logging
from pathlib import Path

from ingestion import audit, build, publish, report
from ingestion.errors import SliError
from ingestion.pipeline import ingest_source
from ingestion.settings import get_paths

log = logging.getLogger("sli")


def ingest_task(source: str, inputs: list[str]) -> dict:
    from airflow.sdk.exceptions import AirflowSkipException

    results = ingest_source(source, get_paths(), [Path(p) for p in inputs] or None)
    for result in results:
        log.info("%s %s: %s rows accepted, %s quarantined %s", result.status, result.file,
                 result.rows_accepted, result.rows_rejected, result.message)
    rejected = [r for r in results if r.status == "rejected"]
    if rejected:
        raise SliError("rejected: " + "; ".join(r.message for r in rejected))
    loaded = [r for r in results if r.status == "loaded"]
    if not loaded:
        # No new rows: skipping emits no asset event, so the warehouse is not rebuilt for nothing.
        raise AirflowSkipException(f"nothing new for {source} ({len(results)} file(s) already loaded)")
    return {"loaded": len(loaded), "rows": sum(r.rows_accepted for r in loaded)}


def build_task() -> str:
    return str(build.build(get_paths(), on_line=log.info))


def audit_task() -> list:
    warnings = audit.audit(get_paths())
    for finding in warnings:
        log.warning("audit warning: %s", finding.describe())
    return [finding.describe() for finding in warnings]


def publish_task() -> str:
    return str(publish.publish(get_paths()))


def report_task() -> str:
    return str(report.render(get_paths()))
