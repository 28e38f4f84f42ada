"""Where everything lives. One setting, ``SLI_HOME``, decides every data path."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The project's own files (dbt project, GX project, DAGs): beside this package in a checkout, or where
# SLI_PROJECT_DIR says when the package is installed elsewhere (the Docker image sets it).
REPO_ROOT = Path(os.environ.get("SLI_PROJECT_DIR") or Path(__file__).resolve().parent.parent)
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
GX_PROJECT_DIR = REPO_ROOT / "expectations"
DAGS_DIR = REPO_ROOT / "dags"


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def inbox(self) -> Path:
        """Files waiting to be ingested (the sample generator writes here)."""
        return self.home / "inbox"

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def raw(self) -> Path:
        return self.home / "raw"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def published(self) -> Path:
        return self.warehouse_dir / "sli.duckdb"

    @property
    def previous(self) -> Path:
        return self.warehouse_dir / "sli.previous.duckdb"

    @property
    def candidate(self) -> Path:
        return self.warehouse_dir / "candidate.duckdb"

    @property
    def editions(self) -> Path:
        """The overview as each publish stated it: one Parquet file per publish, append-only, read by the build."""
        return self.home / "editions"

    @property
    def published_log(self) -> Path:
        return self.warehouse_dir / "published.log"

    @property
    def audit_stamp(self) -> Path:
        return self.warehouse_dir / "candidate.audit.json"

    @property
    def writer_lock(self) -> Path:
        return self.home / "locks" / "warehouse.lock"

    def ingest_lock(self, source: str) -> Path:
        return self.home / "locks" / f"ingest-{source}.lock"

    @property
    def ledger(self) -> Path:
        return self.home / "ledger.sqlite"

    @property
    def airflow_home(self) -> Path:
        """Where `sli run-dags` keeps Airflow's files (SQLite metadata, logs) unless AIRFLOW_HOME is set."""
        return self.home / "airflow"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def quality(self) -> Path:
        """Great Expectations' results and Data Docs."""
        return self.home / "quality"

    @property
    def quality_summaries(self) -> Path:
        """The latest result of each suite, one JSON file each, for `sli quality`."""
        return self.quality / "latest"

    @property
    def data_docs(self) -> Path:
        return self.quality / "data_docs" / "index.html"

    @property
    def dbt_target(self) -> Path:
        """dbt's manifest, run results and partial-parse state."""
        return self.home / "dbt" / "target"

    @property
    def dbt_logs(self) -> Path:
        return self.home / "dbt" / "logs"

    @property
    def dbt_docs(self) -> Path:
        return self.home / "docs" / "dbt"

    @property
    def dbt_basket(self) -> Path:
        """The basket in use, as dbt reads it (written before every dbt command; see `ingestion.basket`)."""
        return self.home / "dbt" / "basket.parquet"

    @property
    def dbt_sources(self) -> Path:
        """The declared sources as dbt reads them (written before every dbt command; see `ingestion.sources`)."""
        return self.home / "dbt" / "sources.parquet"

    @property
    def dbt_schemas(self) -> Path:
        """Zero-row Parquet files with each raw table's columns, so the build runs before a source's first load."""
        return self.home / "dbt" / "schemas"

    def source_inbox(self, source: str) -> Path:
        return self.inbox / source


def get_paths(home: str | os.PathLike | None = None) -> Paths:
    """Resolve ``SLI_HOME`` (default ``./data`` in the repository) to an absolute path."""
    value = home or os.environ.get("SLI_HOME") or REPO_ROOT / "data"
    return Paths(Path(value).expanduser().resolve())
