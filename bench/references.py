"""What loading the same files costs without us: DuckDB alone, and pandas + SQLite.

Both read every LG Inform `/data.csv` download of the scale (the bulk of any refresh) into one
table and do nothing else: no landing copy, contract, checks or ledger. DuckDB's `read_csv` is the
practical limit for loading CSV on this machine; pandas `read_csv` + `to_sql` is what a hand-written
ETL does. Each runs in its own process, so its peak memory is its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.stages import measure

DUCKDB_ALONE = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("set enable_progress_bar = false")
con.execute("create table data_csv as select * from read_csv(?, union_by_name = true, all_varchar = true)",
            [sys.argv[1]])
print(con.execute("select count(*) from data_csv").fetchone()[0])
"""

PANDAS_SQLITE = """
import glob, sqlite3, sys
import pandas as pd
con = sqlite3.connect(sys.argv[2])
rows = 0
for path in sorted(glob.glob(sys.argv[1])):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.to_sql("data_csv", con, if_exists="append", index=False)
    rows += len(frame)
con.commit()
print(rows)
"""

REFERENCES = {"duckdb_alone": DUCKDB_ALONE, "pandas_sqlite": PANDAS_SQLITE}


def run_reference(name: str, files_glob: str, scratch: Path) -> dict:
    figures, printed = measure([sys.executable, "-c", REFERENCES[name], files_glob, str(scratch / f"{name}.db")])
    return {**figures, "csv_rows": int(printed)}
