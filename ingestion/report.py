"""Report: the sector overview of the latest quarter, written from the published warehouse."""

from __future__ import annotations

import csv
from pathlib import Path

from ingestion import warehouse
from ingestion.settings import Paths

HEADLINES = [
    ("pct_satisfied_council", "Residents satisfied with their council (%)"),
    ("council_margin_of_error_pp", "  margin of error, 95% (points)"),
    ("council_change_pp", "  change since previous round (points)"),
    ("council_change_significant", "  change significant at 95%"),
    ("share_metrics_improving", "Share of metrics improving since the baseline"),
    ("shared_services_savings_gbp", "Shared services: savings reported in the latest edition (£)"),
    ("shared_services_partnerships", "Shared services: partnerships in the latest edition"),
    ("ope_capital_receipts_gbp", "One Public Estate: capital receipts achieved (£)"),
    ("ope_homes_land_released", "One Public Estate: land released for homes, achieved"),
]


def render(paths: Paths, quarter: str | None = None) -> Path:
    """Write the overview rows to CSV and the chosen quarter's headlines to Markdown; return the folder."""
    with warehouse.connect(paths) as connection:
        cursor = connection.execute("select * from mart_sector_overview order by quarter_id")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    if not rows:
        raise ValueError("mart_sector_overview is empty")
    by_quarter = {row[0]: dict(zip(columns, row)) for row in rows}
    chosen = by_quarter[quarter] if quarter else by_quarter[max(by_quarter)]
    folder = paths.reports / chosen["quarter_id"]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "sector_overview.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    lines = [f"# Sector overview, {chosen['quarter_id']}", ""]
    lines += [f"- {label}: {_format(key, chosen[key])}" for key, label in HEADLINES]
    lines += ["", f"Poll round {chosen['poll_round_number']} (fieldwork ended {chosen['poll_fieldwork_end']});"
              f" Shared Services Map {chosen['shared_services_edition']} edition;"
              f" One Public Estate figures as of {chosen['ope_as_of_date']}.", ""]
    (folder / "sector_overview.md").write_text("\n".join(lines), encoding="utf-8")
    return folder


def _format(key: str, value) -> str:
    if value is None:
        return "n/a"
    if key.startswith("share_"):  # shares are 0-1; everything else is shown in its own unit
        return f"{value:.1%}"
    return f"{value:,.1f}" if isinstance(value, float) else str(value)
