"""The quarterly refresh, step by step. The CLI and the Airflow tasks call these same functions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ingestion import audit as audit_step
from ingestion import build as build_step
from ingestion import publish as publish_step
from ingestion import report as report_step
from ingestion.loader import LoadResult, ingest
from ingestion.settings import SOURCES, Paths


def ingest_source(source: str, paths: Paths, inputs: Iterable[Path] | None = None,
                  on_file: Callable[[LoadResult], None] | None = None) -> list[LoadResult]:
    """Ingest the given files or folders, by default the source's inbox."""
    inbox = paths.source_inbox(source)
    chosen = list(inputs) if inputs else ([inbox] if inbox.exists() else [])
    return ingest(source, chosen, paths, on_file)


@dataclass
class RefreshResult:
    loads: list[LoadResult]
    warnings: list[audit_step.Finding]
    published: Path
    report_dir: Path


def refresh(paths: Paths, echo: Callable[[str], None] = print,
            on_file: Callable[[LoadResult], None] | None = None) -> RefreshResult:
    loads: list[LoadResult] = []
    for source in SOURCES:
        loads += ingest_source(source, paths, on_file=on_file)
    echo("building the candidate warehouse (dbt build)")
    build_step.build(paths, on_line=echo)
    echo("auditing the candidate (Great Expectations)")
    warnings = audit_step.audit(paths)
    published = publish_step.publish(paths)
    echo(f"published {published}")
    report_dir = report_step.render(paths)
    return RefreshResult(loads, warnings, published, report_dir)
