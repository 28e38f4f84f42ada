"""What a raw-zone contract is: a table's columns, value rules and the file layouts it is read from.

Each source's declaration (``ingestion/sources/<name>.py``) holds its tables' contracts, the single
definition of what a load accepts. Parsers turn each file into tables with these columns; ``to_arrow``
casts them to the contract's types, and ``contract_checks`` turns the value rules into SQL run on every
parsed file before it is written to raw. ``sli contracts`` renders the contracts as
``docs/contracts.md``, and a test keeps the two identical.

Imported when DAG files are parsed (through the declarations), so pandas and pyarrow are imported only
by the methods that use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def _arrow_type(name: str) -> pa.DataType:
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "float": pa.float64(),
        "integer": pa.int64(),
        "date": pa.date32(),
        "boolean": pa.bool_(),
    }
    return types[name]


def lineage() -> pa.Schema:
    """The columns every raw row carries besides its contract's: where and when it was loaded."""
    import pyarrow as pa

    return pa.schema(
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
        import pyarrow as pa

        return pa.schema([(c.name, _arrow_type(c.type)) for c in self.columns] + list(lineage()))

    def parsed_schema(self) -> pa.Schema:
        """A parsed file's table: the contract's columns and its row numbers, before lineage is added."""
        import pyarrow as pa

        return pa.schema([(c.name, _arrow_type(c.type)) for c in self.columns] + [lineage().field("_source_row")])

    def to_arrow(self, parsed: pd.DataFrame | pa.Table) -> pa.Table:
        """Exactly the contract's columns (missing optional ones as NULL) and `_source_row`, in its
        types; text trimmed, and a blank cell is NULL."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not isinstance(parsed, pa.Table):
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


# The status beside a value that may be suppressed or blank (lginform's values, polls, OPE).
VALUE_STATUS = Column(
    "value_status",
    "string",
    "`ok`, or why the value is NULL (suppression marker or blank).",
    required=True,
    allowed=VALUE_STATUSES,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    """``docs/contracts.md``: what each source's files must look like and what reaches raw."""
    out = [
        "# Source contracts",
        "",
        "Generated by `sli contracts` from the source declarations, `ingestion/sources/<name>.py` (a test keeps",
        "them equal).",
        "Every parsed file is checked against its table's contract before it is written to `raw/`:",
        "a file without the required columns, or breaking a file rule, is rejected whole; a row",
        "breaking a column rule, or duplicating another row's key, goes to `quarantine/` with the",
        "file, row, column and reason. Suppression markers (`..`, `-`, `*`, `x`, `[c]`, `[x]`, `n/a`,",
        "blank) become NULL with a status, never zero.",
    ]
    from ingestion.sources import declared

    for source in declared().values():
        parsed_by = f"`{source.parser}`" if source.parser else "its contract alone (no parser of its own)"
        out += ["", f"## {source.name}", "", f"{source.title}. Read by {parsed_by}."]
        for table in source.tables:
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
