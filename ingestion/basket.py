"""The basket: which metrics the sector overview tracks, as configuration (the `metric_basket` seed).

Each row names a metric (an LG Inform metric type, or a long-format file's measure), its service area,
unit, polarity, the council types that deliver it, and where the id came from. Rows belong to a named
basket: `synthetic` (the bundled sample's `S9xxx` metrics, the offline default) or `lginform` (real LG
Inform metric ids). `SLI_BASKET` chooses one; the build and the LG Inform fetch both read it.
"""

from __future__ import annotations

import csv
import os

from core.errors import SliError
from core.settings import DBT_PROJECT_DIR

BASKET_PATH = DBT_PROJECT_DIR / "seeds" / "metric_basket.csv"
ENV_BASKET = "SLI_BASKET"
DEFAULT_BASKET = "synthetic"


def _rows() -> list[dict]:
    with BASKET_PATH.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def names() -> list[str]:
    return sorted({row["basket"] for row in _rows()})


def active(environ: dict[str, str] | None = None) -> str:
    """The basket in use: `SLI_BASKET`, else the synthetic sample's."""
    name = (os.environ if environ is None else environ).get(ENV_BASKET) or DEFAULT_BASKET
    if name not in names():
        raise SliError(
            f"{ENV_BASKET}={name!r} names no basket in {BASKET_PATH.name}; expected one of: {', '.join(names())}"
        )
    return name


def metrics(name: str | None = None, source: str | None = None) -> list[dict]:
    """The basket's rows (the active basket by default), optionally only those of one source."""
    name = name or active()
    return [row for row in _rows() if row["basket"] == name and (source is None or row["source"] == source)]


def lginform_ids(name: str | None = None) -> list[str]:
    """The basket's LG Inform metric ids: what an API fetch asks for."""
    return [row["metric_id"] for row in metrics(name, source="lginform")]
