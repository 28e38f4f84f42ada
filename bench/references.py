"""What loading the same files costs without us: the same work in plain DuckDB SQL, and in pandas + SQLite.

Both read every LG Inform `/data.csv` download of the scale (the bulk of any refresh) and do what
`sli ingest lginform` does to them, written by hand for these files: drop the repeated header row,
turn the row per council into a value per (council, period), read each value or its suppression
marker, turn `2019/20 Q3` labels into period ids and dates, look each code up in the council register,
check the contract (required columns, GSS code and period id patterns, one row per key), and store
the rows that pass. No landing copy or ledger: those are ours alone. DuckDB writes a table in a
DuckDB file; pandas appends to SQLite, which is what a hand-written ETL does. Each runs in its own
process, so its peak memory is its own.

At the largest scale pandas + SQLite alone would outlast every stage of ours (past 20 minutes), so it may
be given every Nth file (STEP): its time for all the rows is then its time scaled by the rows it stored
against DuckDB alone's, which reads every file; the result says so (`files_step`, `measured_wall_s`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.stages import measure
from ingestion.contracts import GSS_ANY
from ingestion.council_register import SEED_PATH
from ingestion.parsers.common import NUMBER_WITH_COMMAS, SUPPRESSION_MARKERS
from ingestion.periods import PATTERN as PERIOD_ID

DUCKDB_ALONE = """
import json, sys, duckdb
files, database, register, number, gss, period_id, markers = sys.argv[1:8]
con = duckdb.connect(database)
con.execute("set enable_progress_bar = false")
con.execute("create temp table markers as select * from (select unnest(map_keys(m)) as marker,"
            " unnest(map_values(m)) as status from (select ?::map(varchar, varchar) as m))", [json.loads(markers)])
con.execute("create temp table wide as select * exclude (filename),"
            " regexp_extract(filename, 'metricType-([A-Za-z0-9]+)', 1) as metric_id,"
            " row_number() over (partition by filename) + 1 as _source_row"
            " from read_csv(?, union_by_name = true, all_varchar = true, filename = true)", [files])
con.execute('''
create table metric_values as
with cells as (
    from (select * from wide where lower(trim(area)) <> 'area')
    unpivot include nulls (cell for period_label in (columns(* exclude (area, "area label", "area long label",
                                                                       metric_id, _source_row))))
), parsed as (
    select c.*, nullif(trim(c.cell), '') as value_formatted, m.status as marker,
           regexp_full_match(trim(c.cell), ?) as plain,
           regexp_extract(c.period_label, '^(\\\\d{4})/(\\\\d{2}) Q([1-4])$', ['year', 'next', 'quarter']) as p
    from cells c left join markers m on m.marker = lower(trim(c.cell))
), typed as (
    select nullif(trim(area), '') as area_code, nullif(trim("area label"), '') as area_label, metric_id,
           'q' || p.quarter || '_' || p.year || '_' || p.next as period_id, period_label,
           make_date(p.year::int + (p.quarter = '4')::int, (3 * p.quarter::int) % 12 + 1, 1) as period_start,
           period_start + interval 3 month - interval 1 day as period_end, value_formatted,
           case when plain then replace(trim(cell), ',', '')::double end as value,
           case when cell is null then 'missing' when marker is not null then marker
                when plain then 'ok' end as value_status,
           _source_row
    from parsed
)
select t.*,
       case when r.council_code is null then 'unknown' when r.end_date is not null then 'retired'
            else 'current' end as area_status
from typed t left join read_csv(?, all_varchar = true) r on r.council_code = t.area_code
where t.value_status is not null and t.area_code is not null and regexp_matches(t.area_code, ?)
  and regexp_matches(t.period_id, ?)
qualify count(*) over (partition by t.area_code, t.metric_id, t.period_id) = 1
''', [number, register, gss, period_id])
print(con.execute("select count(*) from metric_values").fetchone()[0])
"""

PANDAS_SQLITE = """
import glob, json, sqlite3, sys
import pandas as pd
files, database, register, number, gss, period_id, markers, step = sys.argv[1:9]
markers = json.loads(markers)
councils = pd.read_csv(register, dtype=str, keep_default_na=False).set_index("council_code")["end_date"]
con = sqlite3.connect(database)
rows = 0
for path in sorted(glob.glob(files))[::int(step)]:
    wide = pd.read_csv(path, dtype=str, keep_default_na=False)
    wide["_source_row"] = range(2, len(wide) + 2)
    wide = wide[wide["area"].str.strip().str.lower() != "area"]
    long = wide.melt(id_vars=["area", "area label", "area long label", "_source_row"], var_name="period_label",
                     value_name="cell")
    text = long["cell"].str.strip()
    plain = text.str.fullmatch(number)
    period = long["period_label"].str.extract(r"^(\\d{4})/(\\d{2}) Q([1-4])$")
    out = pd.DataFrame({
        "area_code": long["area"].str.strip().replace("", None),
        "area_label": long["area label"].str.strip(),
        "metric_id": path.rsplit("metricType-", 1)[1].removesuffix(".csv"),
        "period_id": "q" + period[2] + "_" + period[0] + "_" + period[1],
        "period_label": long["period_label"],
        "period_start": pd.to_datetime((period[0].astype(int) + (period[2] == "4")).astype(str) + "-"
                                       + ((3 * period[2].astype(int)) % 12 + 1).astype(str) + "-01"),
        "value_formatted": text.replace("", None),
        "value": pd.to_numeric(text.str.replace(",", "").where(plain), errors="coerce"),
        "value_status": text.str.lower().map(markers).where(~plain, "ok"),
        "_source_row": long["_source_row"],
    })
    out["period_end"] = out["period_start"] + pd.DateOffset(months=3) - pd.Timedelta(days=1)
    ends = out["area_code"].map(councils)
    out["area_status"] = ends.map(lambda end: "unknown" if pd.isna(end) else "retired" if end else "current")
    ok = (out["value_status"].notna() & out["area_code"].notna() & out["area_code"].str.match(gss, na=False)
          & out["period_id"].str.match(period_id, na=False))
    out = out[ok]
    out = out[~out.duplicated(["area_code", "metric_id", "period_id"], keep=False)]
    out.to_sql("metric_values", con, if_exists="append", index=False)
    rows += len(out)
con.commit()
print(rows)
"""

REFERENCES = {"duckdb_alone": DUCKDB_ALONE, "pandas_sqlite": PANDAS_SQLITE}


def run_reference(name: str, files_glob: str, scratch: Path, step: int = 1) -> dict:
    """NAME's figures on the files of FILES_GLOB (pandas + SQLite: every STEPth of them)."""
    import json

    arguments = [
        files_glob,
        str(scratch / f"{name}.db"),
        str(SEED_PATH),
        NUMBER_WITH_COMMAS,
        GSS_ANY,
        PERIOD_ID,
        json.dumps(SUPPRESSION_MARKERS),
        *([str(step)] if name == "pandas_sqlite" else []),
    ]
    figures, printed = measure([sys.executable, "-c", REFERENCES[name], *arguments], spill=[scratch / f"{name}.db.tmp"])
    return {**figures, "csv_rows": int(printed), **({"files_step": step} if step > 1 else {})}


def scaled_to(reference: dict, rows: int) -> dict:
    """REFERENCE's figures as if it had stored ROWS rows: its wall time scaled by rows, the time it measured
    kept as `measured_wall_s`. Unchanged when it stored them all."""
    if reference["csv_rows"] == rows:
        return reference
    return {
        **reference,
        "measured_wall_s": reference["wall_s"],
        "wall_s": round(reference["wall_s"] * rows / reference["csv_rows"], 3),
    }
