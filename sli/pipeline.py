"""The quarterly refresh, step by step. The CLI and the Airflow tasks call these same functions."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from core import locks
from core.errors import SliError, UsageError
from core.settings import Paths
from core.text import visible
from ingestion.lginform_api import ENV_KEY, ApiSettings, settings_from_env
from ingestion.loader import LoadResult, find_files, ingest, prepare
from ingestion.sources import SOURCES
from reporting import report as report_step
from sli.progress import Reporter, describe_loads
from warehouse import audit as audit_step
from warehouse import build as build_step
from warehouse import publish as publish_step


def ingest_source(
    source: str,
    paths: Paths,
    inputs: Iterable[Path] | None = None,
    on_file: Callable[[LoadResult], None] | None = None,
    api: ApiSettings | None = None,
    api_options: dict | None = None,
) -> list[LoadResult]:
    """Ingest the given files or folders; without any, LG Inform's API when `api` (its credentials) is
    given, else the inbox. The one place that decides between the API and files.

    `api_options` (metrics, area, period, csv_format) narrow an API fetch.
    """
    with locks.holding(paths.ingest_lock(source), f"loading {source}"):
        prepare(source, paths)
        if source == "lginform" and not inputs and api is not None:
            return fetch_lginform(paths, api, on_file, **(api_options or {}))
        return ingest(source, _inputs(source, paths, inputs), paths, on_file)


def ingest_stage(
    source: str,
    paths: Paths,
    reporter: Reporter,
    inputs: list[Path] | None = None,
    api: ApiSettings | None = None,
    api_options: dict | None = None,
) -> list[LoadResult]:
    """`ingest_source` as one stage: progress through the files, then the source's summary line."""
    with reporter.stage("ingest", source) as stage:
        # Listed once here, so the progress knows the total; the API's metrics are not files.
        from_api = source == "lginform" and api is not None and not inputs
        files = None if from_api else find_files(source, _inputs(source, paths, inputs))
        on_file = reporter.files(source, len(files or []))
        results = ingest_source(source, paths, files or None, on_file, api, api_options)
        stage.summary = f"{source}: {describe_loads(results)}"
    return results


ALLOWED_FOLDERS = "SLI_ALLOWED_FOLDERS"  # more folders a scheduled run may read, separated by the path separator


def confined(source: str, paths: Paths, inputs: list[Path], environ: dict[str, str] | None = None) -> list[Path]:
    """INPUTS resolved (relative to SOURCE's inbox; links and `..` followed), each under that inbox or a
    folder named in SLI_ALLOWED_FOLDERS: a scheduled run copies into landing only what it was meant to read."""
    env = os.environ if environ is None else environ
    allowed = [paths.source_inbox(source).resolve()] + [
        Path(folder).expanduser().resolve() for folder in env.get(ALLOWED_FOLDERS, "").split(os.pathsep) if folder
    ]
    resolved = []
    for given in inputs:
        path = (allowed[0] / given).resolve()  # an absolute GIVEN stays itself
        if not any(path.is_relative_to(folder) for folder in allowed):
            raise UsageError(
                f"{visible(given)} is outside {source}'s inbox ({allowed[0]}) and the folders in {ALLOWED_FOLDERS}:"
                " refused"
            )
        resolved.append(path)
    return resolved


def _inputs(source: str, paths: Paths, inputs: Iterable[Path] | None) -> list[Path]:
    """The files or folders given, else the source's inbox (when there is one)."""
    inbox = paths.source_inbox(source)
    return list(inputs) if inputs else ([inbox] if inbox.exists() else [])


def fetch_lginform(
    paths: Paths, api: ApiSettings, on_file: Callable[[LoadResult], None] | None = None, **options
) -> list[LoadResult]:
    """The basket's changed metrics from the API; a usage-limit stop is reported as a `stopped` result."""
    from ingestion import basket
    from ingestion.lginform_api import Client
    from ingestion.lginform_fetch import fetch

    options.setdefault("metrics", basket.lginform_ids())
    result = fetch(paths, Client(api), on_file=on_file, **options)
    loads = list(result.loads)
    if result.run.status == "stopped":
        stop = LoadResult("lginform", "API", "stopped", message=result.run.message or "")
        loads.append(stop)
        if on_file:
            on_file(stop)
    return loads


def _current_report(paths: Paths) -> Path | None:
    """The newest report folder, if it was written after the published warehouse."""
    pages = sorted(paths.reports.glob("*/index.html"), key=lambda page: page.stat().st_mtime_ns)
    if pages and pages[-1].stat().st_mtime_ns >= paths.published.stat().st_mtime_ns:
        return pages[-1].parent
    return None


@dataclass
class RefreshResult:
    loads: list[LoadResult]
    warnings: list[audit_step.Finding]
    published: Path
    report_dir: Path


def lginform_mode(api: ApiSettings | None, paths: Paths) -> str:
    """One line saying where LG Inform's metrics come from in this run, and which basket is tracked."""
    from ingestion import basket

    where = (
        f"the LG Inform API at {api.base_url} ({api.credentials.mode})"
        if api
        else f"files only ({ENV_KEY} is not set; reading {paths.source_inbox('lginform')})"
    )
    return f"LG Inform: {where}; {basket.describe()}"


def refresh(paths: Paths, reporter: Reporter) -> RefreshResult:
    """Load every source, then build, audit and publish; one refresh at a time (a second is refused)."""
    with locks.holding(paths.writer_lock, "refreshing"):
        return _refresh(paths, reporter)


def _refresh(paths: Paths, reporter: Reporter) -> RefreshResult:
    loads: list[LoadResult] = []
    api = settings_from_env()
    reporter.echo(lginform_mode(api, paths))
    for source in SOURCES:
        loads += ingest_stage(source, paths, reporter, api=api)
    rejected = [load for load in loads if load.status == "rejected"]
    if rejected:
        # The good files are loaded and stay loaded; nothing is built or published until the bad ones are dealt with.
        raise SliError(
            f"{len(rejected)} file(s) rejected, warehouse not rebuilt (fix or remove them, then rerun):\n  "
            + "\n  ".join(load.message for load in rejected)
        )
    if not any(load.status == "loaded" for load in loads):
        built_at = build_step.up_to_date(paths)
        if built_at is not None:
            # Same project, same raw zone: a build would give the published marts again.
            reporter.echo(f"nothing new since {built_at:%Y-%m-%d %H:%M:%S %Z}: the published warehouse is up to date")
            return RefreshResult(loads, [], paths.published, _current_report(paths) or report_step.render(paths).parent)
    build(paths, reporter)
    warnings = audit(paths, reporter)
    published = publish(paths, reporter)
    return RefreshResult(loads, warnings, published, report(paths, reporter))


def build(paths: Paths, reporter: Reporter, full_refresh: bool = False) -> Path:
    """`dbt build` into the candidate as one stage: progress through the nodes, then how they ended."""
    from ingestion import basket
    from warehouse.editions import basket_change

    change = basket_change(paths, {row["metric_id"]: row["metric_label"] for row in basket.metrics()})
    if change:
        since = f"{change.since:%Y-%m-%d %H:%M %Z}"
        reporter.echo(f"basket   changed since the edition published {since}: {change.describe()}")
    with reporter.stage("build", "dbt build into the candidate warehouse") as stage:
        dbt = reporter.dbt()
        candidate = build_step.build(paths, on_line=dbt.on_line, full_refresh=full_refresh)
        stage.summary = f"{dbt.summary()}; dbt's log: {paths.dbt_logs / 'dbt.log'}"
    return candidate


def audit(paths: Paths, reporter: Reporter) -> list[audit_step.Finding]:
    with reporter.stage("audit", "Great Expectations suites on the candidate") as stage:
        warnings = audit_step.audit(paths)
        stage.summary = f"passed with {len(warnings)} warning(s)"
    return warnings


def publish(paths: Paths, reporter: Reporter) -> Path:
    with reporter.stage("publish", "the audited candidate replaces the published warehouse") as stage:
        published = publish_step.publish(paths)
        stage.summary = str(published)
    return published


def report(paths: Paths, reporter: Reporter) -> Path:
    """The report's folder."""
    with reporter.stage("report", "the overview and the council pages") as stage:
        report_dir = report_step.render(paths).parent
        stage.summary = str(report_dir / "index.html")
    return report_dir
