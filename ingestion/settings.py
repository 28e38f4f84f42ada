"""Where everything lives. One setting, ``SLI_HOME``, decides every data path."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
GX_PROJECT_DIR = REPO_ROOT / "expectations"

SOURCES = ("lginform", "polls", "shared_services", "ope")


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
    def reports(self) -> Path:
        return self.home / "reports"

    def source_inbox(self, source: str) -> Path:
        return self.inbox / source


def get_paths(home: str | os.PathLike | None = None) -> Paths:
    """Resolve ``SLI_HOME`` (default ``./data`` in the repository) to an absolute path."""
    value = home or os.environ.get("SLI_HOME") or REPO_ROOT / "data"
    return Paths(Path(value).expanduser().resolve())
