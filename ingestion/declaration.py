"""What a source declaration says: everything the project knows about one source, in one place.

Each `ingestion/sources/<name>.py` holds one `Source`. The CLI's choices, the loader, the contracts docs,
the sample, the ingest DAGs, the warehouse DAG's assets, the freshness model, the quality table's names
and the bench are derived from the set of declarations (`ingestion.sources.declared`). Declarations are
read when Airflow parses the DAG files, so they name their parser and sample writers by import path,
imported only when a file is parsed or a sample written.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingestion.contracts import Table

if TYPE_CHECKING:
    from pathlib import Path

    from ingestion.parsers.common import Parsed


@dataclass(frozen=True)
class Freshness:
    """How old a source's newest data may be before the freshness check warns, and why that long."""

    max_data_age_days: int
    why: str


@dataclass(frozen=True)
class Source:
    name: str  # the inbox, raw and landing folder, the dbt source and the DAG `sli_ingest_<name>`
    title: str  # what it is, for the people who run the project (DAG docs, `sli contracts`)
    reader_name: str  # what published pages call it: "the Shared Services Map"
    tables: tuple[Table, ...]
    schedule: str  # cron (UK time) of its ingest DAG
    freshness: Freshness
    # "module:function" turning a landed file into `Parsed` tables; None: read by the contracts alone
    # (each file one table, its header the contract's columns as words: `Council code` is `council_code`).
    parser: str | None = None
    # Sample parts ("name", "module:function"): each function(inbox folder, SampleSpec, councils, its own
    # random.Random) writes synthetic files into the source's inbox and returns the rows written.
    samples: tuple[tuple[str, str], ...] = ()
    feeds: tuple[str, ...] = ()  # the overview's figures (its quarter row's columns) drawn from this source
    provenance: str = ""  # where those figures come from, a template over the overview's quarter row
    also_called: tuple[str, ...] = ()  # more names `sli ingest` accepts
    ingest_doc: str = ""  # more for its ingest DAG's documentation
    api_params: bool = False  # its ingest DAG takes `metrics` and `period` (a fetch from an API)

    def parse(self, path: Path) -> Parsed:
        if self.parser is None:
            from ingestion.parsers.by_contract import parse

            return parse(path, self.tables)
        return imported(self.parser)(path)

    @property
    def suffixes(self) -> set[str]:
        """The file name endings its layouts are read from."""
        return {suffix for table in self.tables for fmt in table.formats for suffix in fmt.extensions}


def imported(path: str) -> Callable:
    """The function a declaration names as "module:function"."""
    module, _, function = path.partition(":")
    return getattr(importlib.import_module(module), function)
