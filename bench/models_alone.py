"""The limit for the build: dbt's own compiled SQL of every model of the last full build, run bare.

Each model's SQL as dbt compiled it (`run_results.json`), in the order the build ran them (a model starts
only after the models it reads have finished), executed one after another in one DuckDB process with the
settings of dbt's connection, on the same raw zone: views stay views, everything else becomes a table.
Seeds are loaded first, copied from the warehouse the build wrote, and not timed; no dbt test runs. What
the build takes beyond this is dbt's own cost and the tests'.

    python -m bench.models_alone SLI_HOME SCRATCH     # prints {"wall_s": ..., "models": ...}
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def ordered_models(target: Path) -> list[tuple[str, str, str]]:
    """(relation, materialization, compiled SQL) of every model the last build ran, in the order it ran them."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    nodes = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    models = [r for r in results if r["unique_id"].startswith("model.") and r["status"] == "success"]
    models.sort(key=lambda r: next(t["started_at"] for t in r["timing"] if t["name"] == "execute"))
    return [(r["relation_name"], nodes[r["unique_id"]]["config"]["materialized"], r["compiled_code"]) for r in models]


def run(home: Path, scratch: Path) -> dict:
    import duckdb

    models = ordered_models(home / "dbt" / "target")
    database = scratch / "candidate.duckdb"  # the catalog dbt's compiled SQL names
    database.unlink(missing_ok=True)
    os.chdir(home)  # the sources' raw paths are relative to SLI_HOME, as when dbt runs
    con = duckdb.connect(
        str(database), config={"memory_limit": "3GB", "preserve_insertion_order": False}
    )  # as profiles.yml sets dbt's connection
    con.execute("attach ? as built (read_only)", [str(home / "warehouse" / "sli.duckdb")])
    con.execute("create schema reference")
    seeds = con.execute(
        "select table_name from duckdb_tables() where database_name = 'built' and schema_name = 'reference'"
    ).fetchall()
    for (seed,) in seeds:
        con.execute(f'create table reference."{seed}" as from built.reference."{seed}"')
    con.execute("detach built")
    started = time.perf_counter()
    for relation, materialized, sql in models:
        catalog, schema, _ = relation.split(".")
        con.execute(f"create schema if not exists {catalog}.{schema}")
        con.execute(f"create or replace {'view' if materialized == 'view' else 'table'} {relation} as {sql}")
    wall = time.perf_counter() - started
    con.close()
    return {"wall_s": round(wall, 3), "models": len(models), "seeds": len(seeds)}


def measure_models_alone(home: Path, scratch: Path) -> dict:
    """`run` as its own process (so its peak memory is its own): the process's figures, and `models_s`, the
    time of the models' SQL alone."""
    from bench.stages import measure

    figures, printed = measure(
        [sys.executable, "-m", "bench.models_alone", str(home), str(scratch)], spill=[scratch / "candidate.duckdb.tmp"]
    )
    own = json.loads(printed)
    return {**figures, "models_s": own["wall_s"], "models": own["models"]}


def build_shares(target: Path) -> dict:
    """Of the last build's summed node time (dbt's own record), the shares of its models, tests and seeds."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    spent: dict[str, float] = {}
    for result in results:
        kind = result["unique_id"].split(".", 1)[0]
        spent[kind] = spent.get(kind, 0.0) + result["execution_time"]
    total = sum(spent.values()) or 1.0
    return {f"{kind}s_share": round(spent.get(kind, 0.0) / total, 3) for kind in ("model", "test", "seed")}


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())))
