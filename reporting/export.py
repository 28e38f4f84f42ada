"""Exports for analysts: every mart as Parquet and CSV, and the overview tables in one Excel workbook.

Written to `SLI_HOME/exports/<quarter>/` from the published warehouse (read-only). The workbook has a
sheet per overview table and a `Notes` sheet: what each sheet holds, each column's definition (from
the dbt docs), and each source's newest data and last load. Text is never written as a formula.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from core.errors import SliError
from core.settings import Paths
from core.text import spreadsheet_safe_sql
from reporting.queries import default_quarter
from warehouse import access
from warehouse.access import frame

WORKBOOK_SHEETS = {
    "Overview": "mart_sector_overview",
    "As published": "mart_sector_overview_editions",
    "Satisfaction": "fct_resident_satisfaction",
    "Direction of travel": "mart_metric_direction_of_travel",
    "By outcome": "mart_outcome_direction_of_travel",
    "Councils at risk": "mart_councils_at_risk",
    "Shared services": "mart_shared_services_savings",
    "One Public Estate": "fct_ope_outputs",
    "OPE funding": "fct_ope_awards",
    "LGA support": "fct_council_support_by_year",
}


def _descriptions(paths: Paths) -> dict[str, dict]:
    """Model and column descriptions from the manifest of the build that made the warehouse."""
    manifest = paths.dbt_target / "manifest.json"
    if not manifest.exists():
        raise SliError(f"no dbt manifest at {manifest}: run `sli build` (or `sli refresh`) first")
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return {node["name"]: node for node in nodes if node["resource_type"] == "model"}


def _notes(paths: Paths, connection, models: dict[str, dict]) -> pd.DataFrame:
    synthetic = (paths.inbox / "SYNTHETIC_SAMPLE.txt").exists()
    rows = [
        (
            "About",
            "",
            "SLI warehouse export from "
            + str(paths.published)
            + (". SYNTHETIC SAMPLE DATA: no figure is real." if synthetic else "."),
        )
    ]
    rows += [("Sheet", sheet, models[table]["description"]) for sheet, table in WORKBOOK_SHEETS.items()]
    freshness = frame(connection, "select source, latest_data_date, last_loaded_at from quality.qa_source_freshness")
    rows += [
        (
            "Source",
            row.source,
            f"newest data {row.latest_data_date}; last loaded {row.last_loaded_at}"
            if pd.notna(row.last_loaded_at)
            else "no data loaded",
        )
        for row in freshness.itertuples()
    ]
    for sheet, table in WORKBOOK_SHEETS.items():
        rows += [(f"Column ({sheet})", name, spec["description"]) for name, spec in models[table]["columns"].items()]
    return pd.DataFrame(rows, columns=["kind", "name", "definition"])


def export(paths: Paths, out: Path | None = None, raw: bool = False) -> Path:
    """Every mart as Parquet and CSV, and the overview workbook, into OUT (default: SLI_HOME/exports/<quarter>).
    Parquet keeps every value exactly; CSV, which people open in spreadsheets, prefixes formula-looking text
    with an apostrophe unless RAW."""
    models = _descriptions(paths)
    with access.connect(paths, writes_files=True) as connection:
        quarter = default_quarter(connection)  # the quarter `sli report` defaults to
        folder = out or paths.exports / quarter
        try:
            for kind in ("parquet", "csv"):
                (folder / kind).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SliError(f"cannot write the export in {folder} ({exc.strerror}): choose a folder with --out") from exc
        marts = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'main' order by 1"
            ).fetchall()
        ]
        for mart in marts:  # file names go to DuckDB's writers as values, never inside SQL
            connection.table(mart).write_parquet(str(folder / "parquet" / f"{mart}.parquet"))
            _csv_relation(connection, mart, raw).write_csv(str(folder / "csv" / f"{mart}.csv"), header=True)
        # Rows in a stable order (by every column, left to right), so an export can be compared with the last one.
        sheets = {
            sheet: frame(connection, f"select * from {table} order by all") for sheet, table in WORKBOOK_SHEETS.items()
        }
        notes = _notes(paths, connection, models)
    workbook = folder / f"sli_overview_{quarter}.xlsx"
    options = {"strings_to_formulas": False, "strings_to_urls": False}  # '=HYPERLINK(...)' stays text
    with pd.ExcelWriter(workbook, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        notes.to_excel(writer, sheet_name="Notes", index=False)
        for sheet, rows in sheets.items():
            _excel_ready(rows).to_excel(writer, sheet_name=sheet, index=False)
    return folder


def _csv_relation(connection, mart: str, raw: bool):
    """MART's rows for a CSV file: text columns spreadsheet-safe unless RAW (computed in DuckDB)."""
    table = connection.table(mart)
    if raw:
        return table
    columns = [
        spreadsheet_safe_sql(quoted) + f" as {quoted}" if kind == "VARCHAR" else quoted
        for name, kind in zip(table.columns, map(str, table.types))
        for quoted in ['"' + name.replace('"', '""') + '"']
    ]
    return table.select(", ".join(columns))


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: timestamps are written in UTC without one."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out
