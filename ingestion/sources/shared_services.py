"""The Shared Services Map: council partnerships and the savings they report, one edition a year."""

from __future__ import annotations

from ingestion.contracts import Column, FileFormat, Table
from ingestion.declaration import Freshness, Source

SHARED_SERVICES_PARTNERSHIPS = Table(
    source="shared_services",
    name="partnerships",
    grain="one row per partnership in one map edition",
    key=("edition_year", "partnership_name", "councils_named"),
    columns=(
        Column("edition_year", "integer", "Map edition.", required=True, minimum=2010, maximum=2100),
        Column("partnership_name", "string", "Partnership name.", required=True),
        Column("description", "string", "Description."),
        Column("councils_named", "string", "`Councils involved` as published (names or codes).", required=True),
        Column("council_codes", "string", "Resolved GSS codes, `;`-separated."),
        Column(
            "unresolved_councils", "string", "Names the register could not resolve, `;`-separated (kept, reported)."
        ),
        Column("other_public_bodies", "string", "Other public bodies involved."),
        Column("region_name", "string", "Region."),
        Column("service_category", "string", "Service category (labels differ between editions)."),
        Column("status", "string", "Partnership status."),
        Column("savings_gbp", "float", "Cumulative savings to date in pounds; NULL = not reported.", minimum=0),
        Column(
            "savings_status",
            "string",
            "`ok`, or `not_reported` for a blank.",
            required=True,
            allowed=("ok", "not_reported", "suppressed"),
        ),
        Column("savings_basis", "string", "Actual or expected.", allowed=("actual", "expected")),
        Column(
            "stated_total_savings_gbp",
            "float",
            "The edition's total savings as the workbook states it (a"
            " `Total savings to date: £...` row above or below the table); reconciled against the rows.",
            minimum=0,
        ),
        Column(
            "published_on",
            "date",
            "The edition's publication date when a title row gives it (`Published: 12 March 2020`): the"
            " edition counts from then. Without one it counts from 1 April of its year.",
            plausible=True,
        ),
    ),
    formats=(
        FileFormat(
            "Shared Services Map edition, as a workbook or a CSV file",
            (".xlsx", ".csv"),
            ("Partnership name", "Councils involved", "Savings to date (£)"),
            optional=("Description", "Other public bodies", "Region", "Service category", "Status", "Savings basis"),
            notes="The edition year is read from a title row (`Shared Services Map, 2019 edition`) or the"
            " file name, and an optional publication date from a `Published: <date>` title row; an optional"
            " `Total savings to date: £...` row above or below the table is kept for reconciliation. Councils"
            " by name or code, separated by `;` (names are resolved through the council register: `&`/`and`,"
            " `Borough Council`, `City of`, case and spacing). Savings as"
            " `£1,234,000`, `1.2m` or blank.",
        ),
    ),
)

SOURCE = Source(
    name="shared_services",
    title="Shared Services Map editions",
    reader_name="the Shared Services Map",
    tables=(SHARED_SERVICES_PARTNERSHIPS,),
    parser="ingestion.parsers.shared_services:parse",
    schedule="0 5 * * *",
    freshness=Freshness(3650, "the map was published yearly to 2019 and not since"),
    samples=(("shared_services", "ingestion.sample.generate:write_shared_services"),),
    feeds=("shared_services_savings_gbp", "shared_services_partnerships"),
    provenance="Shared Services Map, {shared_services_edition} edition; loaded {shared_services_last_loaded_at}",
)
