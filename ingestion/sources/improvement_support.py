"""The LGA's improvement support: peer challenges and other support delivered to each council.

Read by the contract alone (no parser of its own): one CSV or workbook listing each piece of support,
as the LGA's improvement team keeps it.
"""

from __future__ import annotations

from ingestion.contracts import GSS_COUNCIL, Column, FileFormat, Table
from ingestion.declaration import Freshness, Source

IMPROVEMENT_SUPPORT_ENGAGEMENTS = Table(
    source="improvement_support",
    name="engagements",
    grain="one row per council and piece of support, by its type and start date, in one loaded file",
    key=("council_code", "support_type", "start_date"),
    columns=(
        Column(
            "council_code", "string", "ONS (GSS) code of the council supported.", required=True, pattern=GSS_COUNCIL
        ),
        Column("council_name", "string", "Council name as the list gives it."),
        Column(
            "support_type",
            "string",
            "What was delivered, in the LGA's words: `Corporate peer challenge`, `Finance peer review`, a"
            " service's peer challenge, `Improvement adviser`, ... (a type naming a peer challenge or peer"
            " review counts as one).",
            required=True,
        ),
        Column(
            "start_date",
            "date",
            "When the support started (a peer challenge's on-site week).",
            required=True,
            plausible=True,
        ),
        Column("end_date", "date", "When it ended; NULL while it goes on.", plausible=True),
        Column(
            "report_published",
            "date",
            "When its report (or feedback letter) was published; NULL: not yet.",
            plausible=True,
        ),
    ),
    formats=(
        FileFormat(
            "The improvement team's support list: a row per council and piece of support",
            (".csv", ".xlsx"),
            ("Council code", "Support type", "Start date"),
            optional=("Council name", "End date", "Report published"),
            notes="Dates as `YYYY-MM-DD` or `DD/MM/YYYY`. Each file is the list as it stands: a later load of"
            " the same council, type and start date replaces the earlier one.",
        ),
    ),
)

SOURCE = Source(
    name="improvement_support",
    title="LGA improvement support delivered (peer challenges and other support)",
    reader_name="the LGA's record of improvement support",
    tables=(IMPROVEMENT_SUPPORT_ENGAGEMENTS,),
    schedule="0 5 * * *",
    freshness=Freshness(
        400, "support is delivered all year round: a year without a new record means the list was not sent"
    ),
    samples=(("improvement_support", "ingestion.sample.generate:write_improvement_support"),),
)
