"""Editions: what the overview said when it was published, kept outside the rebuilt warehouse.

Every build writes its own rows into `mart_sector_overview_editions` beside the editions kept in
`SLI_HOME/editions`; once a build is published, `keep` copies its rows there as one Parquet file named by
its build id. The store is only ever added to, so a full rebuild (or a rolled-back file) loses no edition.
"""

from __future__ import annotations

from core.atomic_files import write_atomically
from core.settings import Paths

TABLE = "main.mart_sector_overview_editions"


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
        paths.editions.mkdir(parents=True, exist_ok=True)
        for build_id in missing:
            rows = con.sql(f"select * from {TABLE} where build_id = ?", params=[build_id]).to_arrow_table()
            write_atomically(
                paths.editions / f"{build_id}.parquet", lambda partial, rows=rows: pq.write_table(rows, partial)
            )
    return missing
