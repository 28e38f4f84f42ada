"""The basket: which metrics the sector overview tracks, as configuration.

Each row names a metric (an LG Inform metric type, or a long-format file's measure), its service area,
unit, polarity, the council types that deliver it, and where the id came from. Rows belong to a named
basket: `synthetic` (the bundled sample's `S9xxx` metrics, the offline default) or `lginform` (real LG
Inform metric ids). `SLI_BASKET` chooses one; the build and the LG Inform fetch both read it.

The rows come from the home's own file, `SLI_HOME/config/metric_basket.csv` (same columns), when there is
one, so that a deployment sets its basket without editing the project; else from the project's
`metric_basket` seed, the default. Every dbt command reads them from `dbt/basket.parquet` in the home,
written from whichever file is in use.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from core.atomic_files import write_atomically
from core.errors import InputError, SliError
from core.settings import DBT_PROJECT_DIR, get_paths

BASKET_PATH = DBT_PROJECT_DIR / "seeds" / "metric_basket.csv"
HOME_BASKET = Path("config") / "metric_basket.csv"  # in SLI_HOME
ENV_BASKET = "SLI_BASKET"
DEFAULT_BASKET = "synthetic"
COLUMNS = (
    "metric_id",
    "metric_label",
    "service_area",
    "unit",
    "polarity",
    "applies_to",
    "source",
    "basket",
    "reference",
)
REQUIRED = ("metric_id", "service_area", "polarity", "source", "basket")
POLARITIES = ("high_is_good", "low_is_good", "not_applicable")


def source_path() -> Path:
    """The basket file in use: the home's own, else the project's seed."""
    own = get_paths().home / HOME_BASKET
    return own if own.is_file() else BASKET_PATH


def _rows() -> list[dict]:
    path = source_path()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                path.name, f"a basket file needs the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}", row=1
            )
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        for name in REQUIRED:
            if not (row[name] or "").strip():
                raise InputError(path.name, "required", row=number, column=name)
        if row["polarity"] not in POLARITIES:
            raise InputError(
                path.name, f"{row['polarity']!r} is not one of {', '.join(POLARITIES)}", row=number, column="polarity"
            )
    return [{name: row[name] for name in COLUMNS} for row in rows]


def describe(readers: bool = False) -> str:
    """Which basket, how many metrics, from which file: for the refresh's first line, or (READERS) in the
    pages' words."""
    name, own = active(), source_path() != BASKET_PATH
    count = len(metrics(name))
    if readers:
        return f"{count} metrics tracked, from " + ("this deployment's own list" if own else "the default list")
    where = f"SLI_HOME/{HOME_BASKET.as_posix()}" if own else "the project's default"
    return f"basket {name!r} ({count} metrics, {where})"


def write_for_build(target: Path) -> Path:
    """The basket's rows as Parquet for dbt (`read_parquet('dbt/basket.parquet')`), every column as text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(_rows(), schema=pa.schema([(name, pa.string()) for name in COLUMNS]))
    return write_atomically(target, lambda partial: pq.write_table(table, partial))


def names() -> list[str]:
    return sorted({row["basket"] for row in _rows()})


def active(environ: dict[str, str] | None = None) -> str:
    """The basket in use: `SLI_BASKET`, else the synthetic sample's."""
    name = (os.environ if environ is None else environ).get(ENV_BASKET) or DEFAULT_BASKET
    if name not in names():
        raise SliError(
            f"{ENV_BASKET}={name!r} names no basket in {source_path()}; expected one of: {', '.join(names())}"
        )
    return name


def metrics(name: str | None = None, source: str | None = None) -> list[dict]:
    """The basket's rows (the active basket by default), optionally only those of one source."""
    name = name or active()
    return [row for row in _rows() if row["basket"] == name and (source is None or row["source"] == source)]


def lginform_ids(name: str | None = None) -> list[str]:
    """The basket's LG Inform metric ids: what an API fetch asks for."""
    return [row["metric_id"] for row in metrics(name, source="lginform")]
