"""What any DuckDB connection of ours may take: memory, and disk to spill to beyond it.

dbt's connection is set in `dbt_project/profiles.yml` from the same variables and spills beside the
candidate it writes; every other connection (loads, checks, the audit, readers) spills in a private
folder of the system's temp, never beside a warehouse file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def limits(memory: str | None = None, spill: str | None = None) -> dict[str, str]:
    """DuckDB settings: at most MEMORY in memory (default SLI_DUCKDB_MEMORY_LIMIT, else 3GB) and SPILL on disk
    (default SLI_DUCKDB_SPILL_LIMIT, else 10GB)."""
    folder = Path(tempfile.gettempdir()) / f"sli-spill-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return {
        "memory_limit": memory or os.environ.get("SLI_DUCKDB_MEMORY_LIMIT") or "3GB",
        "max_temp_directory_size": spill or os.environ.get("SLI_DUCKDB_SPILL_LIMIT") or "10GB",
        "temp_directory": str(folder),
    }
