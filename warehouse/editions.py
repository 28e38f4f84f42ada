"""Editions: what the overview said when it was published, kept outside the rebuilt warehouse.

Every build writes its own rows into `mart_sector_overview_editions` beside the editions kept in
`SLI_HOME/editions`; once a build is published, `keep` copies its rows there as one Parquet file named by
its build id. The store is only ever added to, so a full rebuild (or a rolled-back file) loses no edition.
Beside them, `baskets/<build id>.parquet` keeps the metrics each published edition tracked, so a change
of basket is said against the edition before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import duckdb_limits
from core.atomic_files import write_atomically
from core.settings import Paths

TABLE = "main.mart_sector_overview_editions"
BASKETS = "baskets"
# The published build's tracked metrics, with when it was published.
_BASKET = f"""
    select m.metric_id, m.metric_label, e.published_at
    from main.dim_metric as m, (select max(published_at) as published_at from {TABLE}) as e
    where m.in_basket"""


@dataclass(frozen=True)
class BasketChange:
    since: datetime  # when the edition compared with was published
    added: dict[str, str]  # metric id: label
    removed: dict[str, str]

    def describe(self) -> str:
        """`2 metrics added (A, B), 1 no longer tracked (C)`."""
        parts = [
            f"{len(names)} {what} ({', '.join(sorted(names.values()))})"
            for names, what in ((self.added, "added"), (self.removed, "no longer tracked"))
            if names
        ]
        return ", ".join(parts)


def stored_builds(paths: Paths) -> set[str]:
    return {path.stem for path in paths.editions.glob("*.parquet")}


def keep(paths: Paths) -> list[str]:
    """Copy each edition of the published warehouse that the store lacks (normally the one just published;
    after a kill between the publish and this step, the one it missed). Returns the build ids written."""
    import duckdb
    import pyarrow.parquet as pq

    from warehouse.access import open_read_only

    if not paths.published.exists():
        return []
    try:
        con = open_read_only(paths.published)
    except duckdb.Error:  # damaged: publish and `sli doctor` are the ones to say so
        return []
    with con:
        try:
            builds = [row[0] for row in con.execute(f"select distinct build_id from {TABLE}").fetchall()]
        except duckdb.Error:  # built before editions were kept
            return []
        missing = sorted(set(builds) - stored_builds(paths))
        (paths.editions / BASKETS).mkdir(parents=True, exist_ok=True)
        [(published,)] = con.execute(f"select arg_max(build_id, published_at) from {TABLE}").fetchall()
        basket = paths.editions / BASKETS / f"{published}.parquet"
        if published and not basket.exists():
            rows = con.sql(_BASKET).to_arrow_table()
            write_atomically(basket, lambda partial: pq.write_table(rows, partial))
        for build_id in missing:
            rows = con.sql(f"select * from {TABLE} where build_id = ?", params=[build_id]).to_arrow_table()
            write_atomically(
                paths.editions / f"{build_id}.parquet", lambda partial, rows=rows: pq.write_table(rows, partial)
            )
    return missing


def basket_change(paths: Paths, tracked: dict[str, str], before: datetime | None = None) -> BasketChange | None:
    """How TRACKED (metric id: label) differs from the basket of the newest edition published before BEFORE
    (or at all); None when no such edition's basket is kept, or when nothing changed."""
    import duckdb

    kept = sorted((paths.editions / BASKETS).glob("*.parquet"))
    if not kept:
        return None
    with duckdb.connect(config=duckdb_limits.limits()) as con:
        rows = con.execute(
            "select metric_id, metric_label, published_at from read_parquet(?)"
            " where ?::timestamptz is null or published_at < ?::timestamptz"
            " qualify published_at = max(published_at) over ()",
            [[str(path) for path in kept], before, before],
        ).fetchall()
    if not rows:
        return None
    earlier = {metric_id: label or metric_id for metric_id, label, _ in rows}
    added = {key: label for key, label in tracked.items() if key not in earlier}
    removed = {key: label for key, label in earlier.items() if key not in tracked}
    return BasketChange(rows[0][2], added, removed) if added or removed else None
