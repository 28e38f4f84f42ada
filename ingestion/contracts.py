"""The raw-zone contracts: one per source table, the single definition of what a load accepts.

Parsers turn each file into tables with these columns; ``to_arrow`` casts them to the contract's
types, and ``contract_checks`` turns the value rules into SQL run on every parsed file before it is
written to raw. ``sli contracts`` renders this module as
``docs/contracts.md``, and a test keeps the two identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.periods import PATTERN as PERIOD_ID

GSS_COUNCIL = r"^E0[6-9]\d{6}$|^E10\d{6}$"
GSS_ANY = r"^[EWSNK]\d{8}$"
VALUE_STATUSES = ("ok", "missing", "suppressed")
AREA_STATUSES = ("current", "retired", "unknown")
POLARITIES = ("high_is_good", "low_is_good", "not_applicable")
# Where a metric's definition came from: LG Inform, a government data explorer download (Oflog's
# long format), or ONS "Explore local statistics".
METRIC_SOURCES = ("lginform", "data_explorer", "ons_explore_local_statistics")

# A date before this or more than a year after loading is a typo or a projection, not a figure to
# report: it would move the report's latest quarter.
EARLIEST_DATE = date(2000, 1, 1)
AHEAD = timedelta(days=365)

_ARROW = {
    "string": pa.string(),
    "float": pa.float64(),
    "integer": pa.int64(),
    "date": pa.date32(),
    "boolean": pa.bool_(),
}
LINEAGE = pa.schema(
    [
        ("_source_row", pa.int64()),
        ("_load_id", pa.string()),
        ("_source_file", pa.string()),
        ("_loaded_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | float | integer | date | boolean
    description: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    plausible: bool = False  # a date: from EARLIEST_DATE to a year after loading

    def rule(self) -> str:
        """The value rules in words, as the docs show them."""
        parts = ["required" if self.required else "may be NULL"]
        if self.type == "float":
            parts.append("finite")
        if self.plausible:
            parts.append(f"from {EARLIEST_DATE} to a year after loading")
        if self.allowed:
            parts.append("one of " + ", ".join(f"`{value}`" for value in self.allowed))
        if self.minimum is not None and self.maximum is not None:
            parts.append(f"{self.minimum:g} to {self.maximum:g}")
        elif self.minimum is not None:
            parts.append(f"at least {self.minimum:g}")
        if self.pattern:
            parts.append(f"matches `{self.pattern}`")
        return "; ".join(parts)


@dataclass(frozen=True)
class FileFormat:
    """A published layout the parser reads: the header it looks for and what the file must hold."""

    name: str
    extensions: tuple[str, ...]
    columns: tuple[str, ...]
    optional: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Table:
    source: str
    name: str
    grain: str
    key: tuple[str, ...]  # duplicates within one file are quarantined on this key
    columns: tuple[Column, ...]
    formats: tuple[FileFormat, ...] = field(default=())
    file_rules: tuple[str, ...] = ()  # rules that reject the whole file, enforced by the parser
    whole_file: bool = False  # published as a whole: one row breaking the contract rejects the file

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(c.name, _ARROW[c.type]) for c in self.columns] + list(LINEAGE))

    def parsed_schema(self) -> pa.Schema:
        """A parsed file's table: the contract's columns and its row numbers, before lineage is added."""
        return pa.schema([(c.name, _ARROW[c.type]) for c in self.columns] + [LINEAGE.field("_source_row")])

    def to_arrow(self, parsed: pd.DataFrame | pa.Table) -> pa.Table:
        """Exactly the contract's columns (missing optional ones as NULL) and `_source_row`, in its
        types; text trimmed, and a blank cell is NULL."""
        if isinstance(parsed, pd.DataFrame):
            parsed = pa.Table.from_pandas(parsed, preserve_index=False)
        schema = self.parsed_schema()
        columns = [
            parsed[name] if name in parsed.column_names else pa.nulls(parsed.num_rows, schema.field(name).type)
            for name in schema.names
        ]
        columns = [
            pc.if_else(pc.equal(trimmed := pc.utf8_trim_whitespace(column), ""), None, trimmed)
            if pa.types.is_string(field.type) and pa.types.is_string(column.type)
            else column
            for column, field in zip(columns, schema)
        ]
        return pa.Table.from_arrays(columns, names=schema.names).cast(schema)


_VALUE = Column(
    "value_status",
    "string",
    "`ok`, or why the value is NULL (suppression marker or blank).",
    required=True,
    allowed=VALUE_STATUSES,
)

LGINFORM_VALUES = Table(
    source="lginform",
    name="values",
    grain="one row per area, metric and period in one loaded file",
    key=("area_code", "metric_id", "period_id"),
    columns=(
        Column("area_code", "string", "GSS code of the area.", required=True, pattern=GSS_ANY),
        Column("area_label", "string", "Area name as the source gave it."),
        Column(
            "area_status",
            "string",
            "The code against the council register: `current`, `retired`"
            " (abolished council, kept) or `unknown` (not a principal council, kept).",
            required=True,
            allowed=AREA_STATUSES,
        ),
        Column(
            "metric_id",
            "string",
            "LG Inform metric type identifier, or a long-format file's measure code"
            " (its `Code`, else the measure's name in lower case with `_` for other characters).",
            required=True,
        ),
        Column(
            "period_id",
            "string",
            "Canonical period identifier (never `latest`): `fin_2019_20`, `cal_2021`,"
            " `acad_2017_18`, `q3_2022_23`, `m04_2024`, `cen_2021` or `span_<start>_<end>`.",
            required=True,
            pattern=PERIOD_ID,
        ),
        Column("period_label", "string", "Period label as the source gave it."),
        Column("period_start", "date", "First day of the period.", required=True, plausible=True),
        Column("period_end", "date", "Last day of the period.", required=True),
        Column("value", "float", "The value, unrounded; NULL when missing or suppressed."),
        Column("value_formatted", "string", "The value as the source printed it."),
        _VALUE,
        Column(
            "source_format",
            "string",
            "Which layout it came from.",
            required=True,
            allowed=("api_json", "api_csv", "long_csv", "ons_csv"),
        ),
    ),
    formats=(
        FileFormat(
            "LG Inform `/data` JSON response (`/data.table` is the same table)",
            (".json",),
            ("columns", "rows"),
            notes="A table: `columns[]` describe the columns and each of `rows[]` holds `values[]`, the i-th"
            " cell under `columns[i]`. Area, metric type and period each sit on the rows or on the"
            " columns, as the request's `rowGrouping` / `columnGrouping` put them; the parser reads"
            " them from wherever they are. A cell's raw `value` is the figure (`formatted` when there"
            " is no raw value); a cell with neither is missing, and a suppression marker in"
            " `formatted` makes it suppressed. A period's `startDate` and `endDate`, when given,"
            " decide its identifier.",
        ),
        FileFormat(
            "LG Inform `/data.csv` or report download (rows by area, columns by period)",
            (".csv",),
            ("area", "area label"),
            optional=("area long label",),
            notes="Columns `area`, `area label`, `area long label` in either order, then one column per"
            " period: a label (`2019/20`, `2022/23 Q3`, `Apr 2024`, `2021`, `2017/18 (academic)`)"
            " or an identifier (`fin_2019_20`). The metric comes from the file name"
            " (`...metricType-<id>...csv`). Stray header-like rows whose `area` is `area` are"
            " skipped; numbers may have thousands separators.",
        ),
        FileFormat(
            "Long format of government data explorers (Oflog)",
            (".csv", ".xlsx"),
            ("Local authority code", "Financial year", "Measure", "Value"),
            optional=("Local authority name", "Code", "rank_order", "Unit"),
            notes="`Financial year` as `2019-20`. `Code` when the file has one, else the measure's name,"
            " identifies the measure. Other columns (region, grouping, median, MADs) are ignored."
            " `rank_order` `desc` = high is good, `asc` = low is good, `None`/blank = not"
            " applicable (an inference from how the explorers rank); a measure's polarity is its"
            " first non-blank `rank_order`.",
        ),
        FileFormat(
            "ONS Explore local statistics download",
            (".csv", ".xlsx"),
            ("areacd", "indicator", "period"),
            optional=("areanm", "value", "observation", "unit", "measure", "observation status"),
            notes="One row per area, indicator and period; periods as ISO intervals (`2016-09-01/P1Y`)"
            " or dates; `x` for a suppressed value. The value is in `value` or `observation`."
            " ONS's own `polarity` column is not read: polarity comes from the basket.",
        ),
    ),
)

LGINFORM_METRIC_TYPES = Table(
    source="lginform",
    name="metric_types",
    grain="one row per metric in one loaded file",
    key=("metric_id",),
    columns=(
        Column("metric_id", "string", "Metric type identifier.", required=True),
        Column("label", "string", "Metric label.", required=True),
        Column("short_label", "string", "Short label."),
        Column("original_label", "string", "`originalLabel`: the label the publisher used."),
        Column("alternative_labels", "string", "`alternativeLabels`, `; `-separated."),
        Column("unit_id", "string", "Measurement unit identifier."),
        Column("unit_label", "string", "Measurement unit label."),
        Column("period_type", "string", "Period type identifier (e.g. `CalendarYear`)."),
        Column(
            "polarity",
            "string",
            "Which direction is better; NULL when the file does not say (the basket then decides).",
            allowed=POLARITIES,
        ),
        Column("discontinued", "boolean", "The publisher no longer updates it."),
        Column("null_as_zero", "boolean", "`nullAsZero`: the publisher's word that a missing value means zero."),
        Column("output_precision", "integer", "Decimal places to display (values stay unrounded).", minimum=0),
        Column("source", "string", "Where the definition came from.", required=True, allowed=METRIC_SOURCES),
        Column("source_name", "string", "The publisher the source credits."),
        Column("last_updated", "string", "`metadataOrDataLastUpdated`, as given."),
    ),
    formats=(
        FileFormat(
            'LG Inform `/metricTypes` (`{"metricType-array": [...]}`) or `/metricTypes/{id}`'
            ' (`{"metricType": {...}}`) JSON response',
            (".json",),
            ("metricType",),
            notes="`polarity` `High value is good` / `Low value is good` / `Not applicable`. Long-format"
            " files add their measures here too.",
        ),
    ),
)

LGINFORM_NEAREST_NEIGHBOURS = Table(
    source="lginform",
    name="nearest_neighbours",
    grain="one row per council and one of its nearest neighbours in one loaded file",
    key=("council_code", "neighbour_code"),
    columns=(
        Column(
            "council_code",
            "string",
            "GSS code of the council whose comparator group this is.",
            required=True,
            pattern=GSS_COUNCIL,
        ),
        Column(
            "neighbour_code",
            "string",
            "GSS code of one of its nearest neighbours (never itself); empty when its list names no neighbour.",
            pattern=GSS_COUNCIL,
        ),
        Column("neighbour_rank", "integer", "1 for the most similar neighbour, 2 for the next, ...", minimum=1),
        Column("neighbour_set", "string", "Which model chose them, as the file names it (e.g. `CIPFA 2024`)."),
    ),
    formats=(
        FileFormat(
            "Nearest-neighbour list: a council's comparator group, such as the members of LG Inform's"
            " `<council code>_CIPFA_Near_Neighbours` area group, one row per council and neighbour",
            (".csv", ".xlsx"),
            ("Council code", "Neighbour code"),
            optional=("Rank", "Neighbour set"),
            notes="A council's group is its neighbours in the latest loaded file that lists it; a later"
            " file listing some councils replaces the groups of those councils only. A row with an empty"
            " neighbour code says the council has none. A neighbour abolished in a reorganisation is followed"
            " by its successor for periods starting on or after the change.",
        ),
        FileFormat(
            "Nearest-neighbour mapping, as the government's prototype for council metrics publishes it"
            " (`NN.json`): a JSON object from each council's GSS code to the codes of its group, itself"
            " included, in code order",
            (".json",),
            (),
            notes="No rank is given, so none is stored and pages list the group by name. Codes of areas"
            " that are not councils (combined authorities `E47`, the GLA `E61`) are skipped and counted in the"
            " load's warnings; a council whose list holds only itself has no neighbours: it is kept as a row with"
            " no neighbour and named there.",
        ),
    ),
)

POLL_ANSWERS = Table(
    source="polls",
    name="answers",
    grain="one row per round, question and answer option",
    key=("round_number", "question_code", "answer_option"),
    columns=(
        Column("round_number", "integer", "Poll round, as the release numbers it.", required=True, minimum=1),
        Column("fieldwork_start", "date", "First day of fieldwork.", required=True, plausible=True),
        Column("fieldwork_end", "date", "Last day of fieldwork (not before the start).", required=True, plausible=True),
        Column("base_n", "integer", "Respondents asked the question.", required=True, minimum=100, maximum=100000),
        Column(
            "question_code",
            "string",
            "Question code (see the `poll_questions` seed); the file may give the code or the wording, in any case"
            " or spacing, or a name in the `measure_aliases` seed.",
            required=True,
        ),
        Column("question_text", "string", "Question wording."),
        Column(
            "answer_option",
            "string",
            "Answer option label (the `poll_answer_options` seed, in any case or spacing).",
            required=True,
        ),
        Column("percent", "float", "Share giving this answer, in percentage points.", minimum=0, maximum=100),
        _VALUE,
    ),
    formats=(
        FileFormat(
            "Poll release table, one round per file",
            (".csv", ".xlsx"),
            ("Question code", "Answer"),
            optional=("Percent", "Proportion", "Round", "Fieldwork start", "Fieldwork end", "Base", "Question"),
            notes="`Round`, `Fieldwork start`, `Fieldwork end` and `Base` are columns or `Name: value` title"
            " rows above the table. The figures are in a `Percent` column (`87` or `87%`) or a"
            " `Proportion` / `Percent (0-1)` column (`0.87`): one of them is required.",
        ),
        FileFormat(
            "Poll round as the LGA prints it: question wording, answer and percentage",
            (".csv", ".xlsx"),
            ("Question", "Answer"),
            optional=("Percent", "Proportion", "Round", "Fieldwork", "Fieldwork start", "Fieldwork end", "Base"),
            notes="Questions by their wording (matched whatever the case, punctuation and spacing). `Round 19`"
            " or `Round: 19`, fieldwork as one range (`Fieldwork: 8-11 February 2018`, `28 February - 3 March"
            " 2018`) and `Base: 1,001`, as title rows or columns. A total row (`Very/fairly satisfied`) is"
            " checked against its parts and not stored.",
        ),
    ),
    file_rules=(
        "every question's answer options sum to 100 ± 2 percentage points",
        "one round per file",
        "fieldwork start on or before fieldwork end",
        "a total row (`Very/fairly satisfied`) equals the sum of its parts ± 2",
        "every question and answer is one the project knows (by code, wording or label, or through the"
        " `measure_aliases` seed)",
        "every row meets the contract: a round's figures only add up whole, so one bad row rejects"
        " the file instead of being quarantined",
    ),
    whole_file=True,
)

POLL_HEADLINES = Table(
    source="polls",
    name="headlines",
    grain="one row per round and key indicator: its headline share, for rounds published only as headlines",
    key=("round_number", "indicator_code"),
    columns=(
        *POLL_ANSWERS.columns[:4],
        Column(
            "indicator_code",
            "string",
            "The indicator's question code (the `poll_questions` seed); the file may give the code, the question's"
            " wording or the indicator's label (`Satisfied with the local area as a place to live`).",
            required=True,
        ),
        Column(
            "pct_satisfied",
            "float",
            "The headline share (the positive answers together), in percentage points.",
            minimum=0,
            maximum=100,
        ),
        _VALUE,
    ),
    formats=(
        FileFormat(
            "Headline figures of poll rounds (round, fieldwork, indicator, % satisfied, base), for rounds"
            " published only as headlines; several rounds per file",
            (".csv", ".xlsx"),
            ("Round", "Indicator", "% satisfied"),
            optional=("Fieldwork", "Fieldwork start", "Fieldwork end", "Base"),
            notes="Stored as headlines: a round with answers for an indicator keeps those, and a headline-only"
            " round gets the same margin of error and significance test from its share and base. Fieldwork as"
            " one range or a start and an end; `Round 19` or `19`.",
        ),
        FileFormat(
            "Tracking table of headline figures with the rounds across the columns (`Indicator`, `Round 1`,"
            " `Round 2`, ...), for backfilling the series",
            (".csv", ".xlsx"),
            ("Indicator",),
            notes="A `Fieldwork` row (one range per round) and a `Base` row give each round's details; every"
            " other row is an indicator, its cells the rounds' shares. A blank cell is a round that did not ask"
            " the question.",
        ),
    ),
)

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
        _VALUE,
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
        _VALUE,
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

TABLES: dict[tuple[str, str], Table] = {
    (table.source, table.name): table
    for table in (
        LGINFORM_VALUES,
        LGINFORM_METRIC_TYPES,
        LGINFORM_NEAREST_NEIGHBOURS,
        POLL_ANSWERS,
        POLL_HEADLINES,
        SHARED_SERVICES_PARTNERSHIPS,
        OPE_OUTPUTS,
        OPE_AWARDS,
    )
}


def tables_of(source: str) -> list[Table]:
    return [table for (owner, _), table in TABLES.items() if owner == source]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    """``docs/contracts.md``: what each source's files must look like and what reaches raw."""
    out = [
        "# Source contracts",
        "",
        "Generated by `sli contracts` from `ingestion/contracts.py` (a test keeps them equal).",
        "Every parsed file is checked against its table's contract before it is written to `raw/`:",
        "a file without the required columns, or breaking a file rule, is rejected whole; a row",
        "breaking a column rule, or duplicating another row's key, goes to `quarantine/` with the",
        "file, row, column and reason. Suppression markers (`..`, `-`, `*`, `x`, `[c]`, `[x]`, `n/a`,",
        "blank) become NULL with a status, never zero.",
    ]
    for source in sorted({table.source for table in TABLES.values()}):
        out += ["", f"## {source}"]
        for table in tables_of(source):
            out += [
                "",
                f"### {table.source}.{table.name}",
                "",
                f"Grain: {table.grain}. Key: " + ", ".join(f"`{name}`" for name in table.key) + ".",
            ]
            for fmt in table.formats:
                out += [
                    "",
                    f"Input: {fmt.name} ({', '.join(fmt.extensions)})."
                    + (" Required columns: " + ", ".join(f"`{n}`" for n in fmt.columns) + "." if fmt.columns else "")
                    + (" Optional: " + ", ".join(f"`{name}`" for name in fmt.optional) + "." if fmt.optional else "")
                    + (f" {fmt.notes}" if fmt.notes else ""),
                ]
            if table.file_rules:
                out += ["", "File rules (the whole file is rejected): " + "; ".join(table.file_rules) + "."]
            out += ["", "| column | type | rule | description |", "| --- | --- | --- | --- |"]
            out += [f"| `{c.name}` | {c.type} | {_cell(c.rule())} | {_cell(c.description)} |" for c in table.columns]
    return "\n".join(out) + "\n"
