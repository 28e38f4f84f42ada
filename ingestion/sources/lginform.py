"""LG Inform: council performance metrics, their definitions, and nearest-neighbour lists."""

from __future__ import annotations

from ingestion.contracts import (
    AREA_STATUSES,
    GSS_ANY,
    GSS_COUNCIL,
    METRIC_SOURCES,
    POLARITIES,
    VALUE_STATUS,
    Column,
    FileFormat,
    Table,
)
from ingestion.declaration import Freshness, Source
from ingestion.periods import PATTERN as PERIOD_ID

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
        VALUE_STATUS,
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

SOURCE = Source(
    name="lginform",
    title="LG Inform council performance metrics",
    reader_name="LG Inform",
    tables=(LGINFORM_VALUES, LGINFORM_METRIC_TYPES, LGINFORM_NEAREST_NEIGHBOURS),
    parser="ingestion.parsers.lginform:parse",
    schedule="0 5 * * 1",
    freshness=Freshness(900, "annual metrics are published up to about 18 months after the year ends"),
    samples=(
        ("lginform", "ingestion.sample.generate:write_lginform"),
        ("explorer", "ingestion.sample.generate:write_explorer"),
        ("neighbours", "ingestion.sample.generate:write_neighbours"),
    ),
    feeds=("share_metrics_improving", "share_metrics_improving_lga_method", "councils_at_risk"),
    provenance="LG Inform basket metrics, latest period ending {lginform_latest_period_end:%-d %B %Y};"
    " loaded {lginform_last_loaded_at}",
    also_called=("council-metrics",),
    ingest_doc="With the Connection `sli_lginform` (login = key, password = secret, host = base URL) or"
    " `SLI_LGINFORM_KEY` set, it fetches the basket's changed metrics from the LG Inform API instead."
    " A usage-limit stop ends the task with what was fetched; the next run resumes. Manual runs may"
    " name the `metrics` and the `period` to (re)load.",
    api_params=True,
)
