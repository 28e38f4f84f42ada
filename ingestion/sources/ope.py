"""One Public Estate: programme and partnership outputs, and funding awards per partnership."""

from __future__ import annotations

from ingestion.contracts import VALUE_STATUS, Column, FileFormat, Table
from ingestion.declaration import Freshness, Source

OPE_OUTPUTS = Table(
    source="ope",
    name="outputs",
    grain="one row per measure, basis, scope, partnership and as-of date",
    key=("measure", "basis", "scope", "partnership_name", "as_of_date"),
    columns=(
        Column(
            "measure",
            "string",
            "Output measure: `capital_receipts`, `running_cost_savings`, `jobs_created`, `homes_land_released`"
            " or `financial_benefits`, from the names the programme publishes (`Capital receipts`, ...) through"
            " the `measure_aliases` seed; an unknown name is quarantined.",
            required=True,
        ),
        Column("value", "float", "Figure, in `unit`.", minimum=0),
        VALUE_STATUS,
        Column("unit", "string", "Unit (`GBP`, `jobs`, `homes`).", required=True),
        Column(
            "basis",
            "string",
            "Target, expected or achieved.",
            required=True,
            allowed=("target", "expected", "achieved"),
        ),
        Column(
            "scope", "string", "Programme-wide or one partnership.", required=True, allowed=("programme", "partnership")
        ),
        Column("partnership_name", "string", "The partnership, for `partnership` scope."),
        Column("as_of_date", "date", "The date the figure is as of.", required=True, plausible=True),
    ),
    formats=(
        FileFormat(
            "One Public Estate outputs table",
            (".csv", ".xlsx"),
            ("Measure", "Value", "Unit", "Basis", "Scope", "As of date"),
            optional=("Partnership",),
        ),
    ),
)

OPE_AWARDS = Table(
    source="ope",
    name="awards",
    grain="one row per partnership, funding round and fund",
    key=("partnership_name", "funding_round", "fund"),
    columns=(
        Column("partnership_name", "string", "Partnership awarded.", required=True),
        Column("funding_round", "string", "Funding round as published (e.g. `OPE 5`).", required=True),
        Column("fund", "string", "Fund (One Public Estate, Brownfield Land Release Fund, ...).", required=True),
        Column("award_gbp", "float", "Award in pounds.", minimum=0),
        VALUE_STATUS,
    ),
    formats=(
        FileFormat(
            "One Public Estate funding awards table", (".csv", ".xlsx"), ("Partnership", "Round", "Fund", "Award (£)")
        ),
        FileFormat(
            "One Public Estate funding table as the programme publishes it: a row per partnership and a funding"
            " column per financial year (`2016/17 Funding`, `2017/18 Funding`, ...)",
            (".csv", ".xlsx"),
            ("Partnership",),
            notes="At least one yearly funding column. Each year's figure is an award of the fund `One Public"
            " Estate` in the round named by its year (`2016/17`); a blank cell is no award that year, not a zero.",
        ),
    ),
)

SOURCE = Source(
    name="ope",
    title="One Public Estate outputs",
    reader_name="One Public Estate",
    tables=(OPE_OUTPUTS, OPE_AWARDS),
    parser="ingestion.parsers.ope:parse",
    schedule="0 5 * * *",
    freshness=Freshness(730, "outputs are reported yearly"),
    samples=(("ope", "ingestion.sample.generate:write_ope"),),
    feeds=("ope_capital_receipts_gbp", "ope_running_cost_savings_gbp", "ope_jobs_created", "ope_homes_land_released"),
    provenance="One Public Estate, achieved outputs as of {ope_as_of_date:%-d %B %Y}; loaded {ope_last_loaded_at}",
)
