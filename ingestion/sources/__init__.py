"""The sources: one declaration per module in this package (`SOURCE`), found by listing the package.

Adding a source is adding a module here (with its dbt source entry and staging model); nothing else
names the sources. Light to import: Airflow reads it when it parses the DAG files.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from core.atomic_files import write_atomically
from core.errors import UsageError
from ingestion.contracts import Table
from ingestion.declaration import Source


@cache
def declared() -> dict[str, Source]:
    """Every declared source by name, in name order."""
    sources = {}
    for module in sorted(found.name for found in pkgutil.iter_modules(__path__)):
        source = importlib.import_module(f"{__name__}.{module}").SOURCE
        if source.name != module or any(table.source != module for table in source.tables):
            raise ValueError(f"ingestion/sources/{module}.py declares {source.name!r}: name it after its module")
        sources[module] = source
    return sources


def source(name: str) -> Source:
    try:
        return declared()[name]
    except KeyError:
        raise UsageError(f"unknown source {name!r}; expected one of: {', '.join(declared())}") from None


SOURCES: tuple[str, ...] = tuple(declared())
TABLES: dict[tuple[str, str], Table] = {
    (table.source, table.name): table for declaration in declared().values() for table in declaration.tables
}


def for_build() -> list[dict]:
    """What the dbt models read of the declarations (`source('config', 'declared_sources')`)."""
    return [
        {
            "source": source.name,
            "reader_name": source.reader_name,
            "max_data_age_days": source.freshness.max_data_age_days,
            "why": source.freshness.why,
            "feeds_overview": bool(source.feeds),
        }
        for source in declared().values()
    ]


def write_for_build(target: Path) -> Path:
    """The declarations' rows as Parquet for dbt (`read_parquet('dbt/sources.parquet')`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("source", pa.string()),
            ("reader_name", pa.string()),
            ("max_data_age_days", pa.int32()),
            ("why", pa.string()),
            ("feeds_overview", pa.bool_()),
        ]
    )
    table = pa.Table.from_pylist(for_build(), schema=schema)
    return write_atomically(target, lambda partial: pq.write_table(table, partial))
