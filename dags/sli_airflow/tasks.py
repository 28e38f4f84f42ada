"""The bodies of the Airflow tasks: each runs one pipeline step and returns a small summary for XCom."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NoReturn

from core.errors import InputError, UsageError
from core.settings import get_paths
from core.text import visible
from ingestion.lginform_api import CONNECTION_ID, DEFAULT_BASE_URL, ApiSettings, Credentials, settings_from_env
from sli import pipeline
from sli.pipeline import confined
from sli.progress import Reporter
from warehouse import build

log = logging.getLogger("sli")


def lginform_api() -> ApiSettings | None:
    """The Airflow Connection `sli_lginform` (login = key, password = secret, host = base URL), else the env."""
    from airflow.sdk import Connection

    try:
        connection = Connection.get(CONNECTION_ID)
    except Exception:  # not defined: AirflowNotFoundException, whose import path moved between versions
        return settings_from_env()
    host = connection.host or ""
    if host and "://" not in host:
        scheme = connection.conn_type if connection.conn_type in ("http", "https") else "https"
        host = f"{scheme}://{host}" + (f":{connection.port}" if connection.port else "")
    return ApiSettings(host or DEFAULT_BASE_URL, Credentials(connection.login, connection.password or None))


def fail_without_retry(reason: str) -> NoReturn:
    """Fail the task at once: the input is wrong, and a retry would meet the same input."""
    from airflow.sdk.exceptions import AirflowFailException

    log.error("input error (not retried): %s", reason)
    raise AirflowFailException(f"input error (not retried): {reason}")


def check_conf(conf: object, params) -> None:
    """A run's conf is an object setting only the DAG's declared PARAMS, each as its schema says: Airflow
    would ignore a misspelt key silently, and a trigger's conf reaches the task unchecked."""
    declared = sorted(params.keys())
    if conf is None:
        return
    if not isinstance(conf, dict):
        fail_without_retry(
            f"the run's conf must be an object of params ({', '.join(declared) or 'none'}),"
            f" not {type(conf).__name__} {visible(repr(conf))[:60]}"
        )
    unknown = sorted(set(conf) - set(declared))
    if unknown:
        fail_without_retry(
            f"unknown param(s) {', '.join(map(repr, unknown))}; this DAG takes: {', '.join(declared) or 'none'}"
        )
    for key, value in conf.items():
        try:
            params.get_param(key).resolve(value)
        except Exception as exc:  # ParamValidationError, whose import path moved between versions
            fail_without_retry(f"param {key!r}: {visible(exc)}")


def _reporter() -> Reporter:
    """The same stage lines as `sli refresh`; every dbt line at DEBUG (and always in dbt's own log)."""
    return Reporter(log.info, quiet=log.debug)


def ingest_task(source: str, inputs: list[str], api_options: dict | None = None) -> dict:
    from airflow.sdk.exceptions import AirflowSkipException

    paths = get_paths()
    try:
        results = pipeline.ingest_stage(  # the lines `sli refresh` prints: progress, then the summary
            source,
            paths,
            _reporter(),
            confined(source, paths, [Path(p) for p in inputs]) or None,
            api=lginform_api() if source == "lginform" else None,
            api_options=api_options,
        )
    except (UsageError, InputError) as exc:
        fail_without_retry(str(exc))
    for result in results:  # every file, for whoever needs it (the task log at DEBUG)
        log.debug(
            "%s %s: %s rows accepted, %s quarantined %s",
            result.status,
            visible(result.file),
            result.rows_accepted,
            result.rows_rejected,
            visible(result.message),
        )
        for warning in result.warnings:
            log.warning("%s: %s", visible(result.file), visible(warning))
    rejected = [r for r in results if r.status == "rejected"]
    if rejected:  # the ledger now knows these files: a retry would skip them and pass
        fail_without_retry("rejected: " + "; ".join(visible(r.message) for r in rejected))
    loaded = [r for r in results if r.status == "loaded"]
    if not loaded:
        # No new rows: skipping emits no asset event, so the warehouse is not rebuilt for nothing.
        raise AirflowSkipException(f"nothing new for {source} ({len(results)} file(s) already loaded)")
    return {"loaded": len(loaded), "rows": sum(r.rows_accepted for r in loaded)}


def build_task(full_refresh: bool = False) -> str:
    from airflow.sdk.exceptions import AirflowSkipException

    paths = get_paths()
    built_at = None if full_refresh else build.up_to_date(paths)
    if built_at is not None:
        # Same project, same raw zone (e.g. the quarterly schedule with no new loads): audit, publish and
        # report skip too, so the published warehouse and its rollback copy stay as they are.
        raise AirflowSkipException(
            f"nothing new since {built_at:%Y-%m-%d %H:%M:%S %Z}: the published warehouse is up to date"
        )
    return str(pipeline.build(paths, _reporter(), full_refresh))


def audit_task() -> list:
    warnings = pipeline.audit(get_paths(), _reporter())
    for finding in warnings:
        log.warning("audit warning: %s", finding.describe())
    return [finding.describe() for finding in warnings]


def publish_task() -> str:
    return str(pipeline.publish(get_paths(), _reporter()))


def report_task() -> str:
    return str(pipeline.report(get_paths(), _reporter()))
