"""`sli`: the command line over the pipeline. Heavy libraries are imported by the commands that use them."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import click

from core.errors import SliError
from core.settings import Paths, get_paths
from core.text import spreadsheet_safe, visible
from ingestion.sources import SOURCES, declared


class _Group(click.Group):
    """Turn the pipeline's own errors into one clear line and exit status 1, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SliError as exc:
            # A message may quote an input's name or cells: shown line by line, each made visible.
            click.secho("error: " + "\n".join(visible(line) for line in str(exc).split("\n")), fg="red", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.secho("interrupted: the published warehouse is unchanged", fg="red", err=True)
            ctx.exit(130)
        except OSError as exc:  # a full or read-only disk, a file taken away: whichever step met it
            where = f" ({visible(exc.filename)})" if exc.filename else ""
            click.secho(f"error: cannot go on: {exc.strerror or exc}{where}", fg="red", err=True)
            ctx.exit(1)
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in ("duckdb", "_duckdb"):
                raise
            # DuckDB reading a damaged file (a checksum that does not match, a header it cannot read).
            first = visible(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            click.secho(
                f"error: DuckDB: {first}; `sli status` says whether the published warehouse is damaged,"
                " and `sli rollback` puts back the previous one",
                fg="red",
                err=True,
            )
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SLI_HOME",
    help="Data folder (landing, raw, quarantine, warehouse). Default: $SLI_HOME or ./data.",
)
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """SLI warehouse: land, load, build, audit and publish the sector-led improvement data."""
    # SIGTERM (a scheduler or `kill`) unwinds like Ctrl-C: dbt is stopped, half-made files are removed, and
    # the published warehouse is left as it was.
    signal.signal(signal.SIGTERM, _terminated)
    ctx.obj = get_paths(home)


def _terminated(signum: int, frame) -> None:
    click.secho("stopped by SIGTERM: the published warehouse is unchanged", fg="red", err=True)
    raise SystemExit(128 + signum)


def _paths() -> Paths:
    return click.get_current_context().obj


def _print_load(result) -> None:
    colour = {"loaded": "green", "skipped": None, "rejected": "red", "stopped": "yellow"}[result.status]
    detail = (
        f"{result.rows_accepted:,} rows"
        + (f", {result.rows_rejected:,} {result.message}" if result.rows_rejected else "")
        if result.status == "loaded"
        else result.message
    )
    shown = visible(f"{result.source}/{result.file}: {detail}")
    click.echo(f"  {click.style(f'{result.status:<8}', fg=colour)} {shown}")
    for warning in result.warnings:
        click.secho(f"           warning: {visible(warning)}", fg="yellow")


def _summarise(results) -> None:
    from sli.progress import describe_loads

    click.echo(f"  {describe_loads(results)}")


@main.command()
@click.option(
    "--metrics",
    type=int,
    default=None,
    help="The first N basket metrics (default: all 97); past 97, synthetic metrics outside the basket.",
)
@click.option("--first-year", type=int, default=2010, show_default=True, help="First financial year (2010 = 2010/11).")
@click.option("--last-year", type=int, default=2024, show_default=True, help="Last financial year.")
@click.option("--quarterly", is_flag=True, help="Quarterly periods instead of years.")
@click.option(
    "--first-quarter",
    type=click.IntRange(1, 4),
    default=1,
    show_default=True,
    help="With --quarterly: the first quarter of the first year.",
)
@click.option(
    "--last-quarter",
    type=click.IntRange(1, 4),
    default=4,
    show_default=True,
    help="With --quarterly: the last quarter of the last year.",
)
@click.option(
    "--lginform-format",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="LG Inform values as /data JSON responses or as /data.csv downloads.",
)
@click.option(
    "--only",
    "sources",
    multiple=True,
    type=click.Choice([part for source in declared().values() for part, _ in source.samples]),
    help="Write only these (repeatable; default: everything).",
)
def sample(
    metrics: int | None,
    first_year: int,
    last_year: int,
    quarterly: bool,
    first_quarter: int,
    last_quarter: int,
    lginform_format: str,
    sources: tuple[str, ...],
) -> None:
    """Write the SYNTHETIC sample inputs of every source into SLI_HOME/inbox."""
    from ingestion.sample.generate import SampleSpec, generate

    paths = _paths()
    started = time.perf_counter()
    spec = SampleSpec(
        first_year=first_year,
        last_year=last_year,
        metrics=metrics,
        quarterly=quarterly,
        first_quarter=first_quarter,
        last_quarter=last_quarter,
        lginform_format=lginform_format,
        **({"sources": sources} if sources else {}),
    )
    counts = generate(paths.inbox, spec)
    for source, rows in counts.items():
        click.echo(f"  {source}: {rows:,} rows written to {paths.source_inbox(source)}")
    click.echo(f"sample written in {time.perf_counter() - started:.1f}s (synthetic data, not real figures)")


# What `sli ingest` accepts: each source by its name (with `-` for `_`) and the other names it declares.
INGEST_NAMES = {
    name: source.name
    for source in declared().values()
    for name in (source.name, source.name.replace("_", "-"), *source.also_called)
}
EXIT_STOPPED = 75  # EX_TEMPFAIL: the LG Inform usage limit stopped the fetch; the next run resumes it


@main.command()
@click.argument("source", type=click.Choice(sorted(INGEST_NAMES)), metavar="SOURCE")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--api", "use_api", is_flag=True, help="lginform: fetch from the API (fails without credentials).")
@click.option("--metric", "metrics", multiple=True, help="lginform API: only these metric ids (default: the basket).")
@click.option("--area", default=None, help="lginform API: area codes or group (default: AllLaInCountry_England).")
@click.option("--period", default=None, help="lginform API: period ids or latest:N (default: latest:20).")
@click.option("--csv", "csv_format", is_flag=True, help="lginform API: fetch /data.csv instead of /data JSON.")
@click.option(
    "--reload",
    "reload_ref",
    metavar="LOAD_ID",
    help="Load a complete load's landed file again as a new load (a load id, or a file name), e.g. after"
    " its raw file was lost or damaged; see `sli doctor`.",
)
def ingest(
    source: str,
    inputs: tuple[Path, ...],
    use_api: bool,
    metrics: tuple[str, ...],
    area: str | None,
    period: str | None,
    csv_format: bool,
    reload_ref: str | None,
) -> None:
    """Land and load SOURCE's files (default: its inbox folder) into the raw zone.

    SOURCE is a declared source (`council-metrics` loads metric files into lginform). `sli ingest lginform` with no
    files fetches from the LG Inform API when SLI_LGINFORM_KEY is set (and SLI_LGINFORM_SECRET for
    signed calls; SLI_LGINFORM_URL for another base URL), else loads the inbox.

    Exits 1 when any file was rejected (the good files are loaded all the same), and 75 when the
    API's usage limit stopped the fetch (the next run resumes where it stopped).
    """
    from ingestion.lginform_api import ENV_KEY, settings_from_env
    from ingestion.lginform_fetch import resume_note
    from sli.pipeline import ingest_source, lginform_mode

    name, paths = INGEST_NAMES[source], _paths()
    if reload_ref is not None:
        from ingestion import repair

        if inputs:
            raise SliError("--reload loads a file from landing: give no other files")
        result = repair.reload(paths, name, reload_ref, on_file=_print_load)
        _summarise([result])
        sys.exit(1 if result.status == "rejected" else 0)
    api = settings_from_env() if source != "council-metrics" else None  # council-metrics: files only
    if use_api and api is None:
        raise SliError(f"--api needs LG Inform credentials: set {ENV_KEY} (and SLI_LGINFORM_SECRET)")
    if name == "lginform" and not inputs:
        click.echo(lginform_mode(api, paths))
        note = resume_note(paths, list(metrics)) if api and metrics else None
        if note:
            click.echo(f"LG Inform: {note}")
    options = {
        key: value
        for key, value in {
            "metrics": list(metrics) or None,
            "area": area,
            "period": period,
            "csv_format": csv_format,
        }.items()
        if value
    }
    results = ingest_source(name, paths, inputs or None, on_file=_print_load, api=api, api_options=options)
    _summarise(results)
    if any(r.status == "rejected" for r in results):
        sys.exit(1)
    if any(r.status == "stopped" for r in results):
        sys.exit(EXIT_STOPPED)


@main.command()
@click.option("--full-refresh", is_flag=True, help="Pass dbt's --full-refresh (rebuild incremental models).")
def build(full_refresh: bool) -> None:
    """Build a candidate warehouse from the raw zone with one `dbt build` (models and dbt tests)."""
    from warehouse.build import build as run_build

    click.echo(f"candidate written to {run_build(_paths(), on_line=click.echo, full_refresh=full_refresh)}")


@main.command("unit-tests")
def unit_tests() -> None:
    """Run the dbt unit tests (the marts' calculations on hand-worked rows) on a copy of the published warehouse."""
    from warehouse.build import unit_tests as run_unit_tests

    run_unit_tests(_paths(), on_line=click.echo)


@main.command()
def docs() -> None:
    """Write the dbt docs site of the published warehouse (one self-contained HTML page)."""
    from warehouse.build import docs as build_docs

    click.echo(f"dbt docs written to {build_docs(_paths(), on_line=lambda line: None)}")


@main.command()
def audit() -> None:
    """Run the Great Expectations suites on the candidate; errors block the publish."""
    from warehouse.audit import audit as run_audit

    warnings = run_audit(_paths())
    for finding in warnings:
        click.secho(f"  warning: {finding.describe()}", fg="yellow")
    click.echo("audit passed" + (f" with {len(warnings)} warning(s)" if warnings else ""))


@main.command()
def quality() -> None:
    """The latest result of every Great Expectations suite: pass, warn or fail, with what failed."""
    from warehouse.gx import docs_index, latest_summaries

    paths = _paths()
    summaries = latest_summaries(paths)
    if not summaries:
        click.echo("no validation results yet: run `sli ingest` or `sli refresh`")
        return
    colours = {"pass": "green", "warn": "yellow", "fail": "red"}
    for summary in summaries:
        click.echo(
            f"{click.style(summary['status'].upper().ljust(4), fg=colours[summary['status']])}  "
            f"{summary['suite']:<36} {summary['run_at']}  {summary['rows']:,} rows,"
            f" {summary['expectations']} expectations"
        )
        for failed in summary["failed"]:
            detail = ", ".join(f"{k}={v}" for k, v in failed["kwargs"].items())
            count = failed["unexpected_count"]
            click.echo(
                f"      {failed['severity']}: {failed['expectation']}({detail}) on {failed['column']}:"
                f" {count if count is not None else '?'} unexpected, e.g. {failed['sample_values'][:3]}"
            )
    click.echo(f"Data Docs: {docs_index(paths)}")


@main.command()
def publish() -> None:
    """Replace the published warehouse with the audited candidate (atomic rename)."""
    from warehouse.publish import publish as run_publish

    click.echo(f"published {run_publish(_paths())}")


@main.command()
def rollback() -> None:
    """Put the previous published warehouse back."""
    from warehouse.publish import rollback as run_rollback

    click.echo(f"rolled back: {run_rollback(_paths())}")


@main.command()
@click.option("--quarter", help="Quarter to report, e.g. 2026-Q3 (default: the latest completed one).")
@click.option("--to-date", is_flag=True, help="Report the current, unfinished quarter so far.")
@click.option("--council", help="Council to highlight in the distribution chart (default: the first flagged).")
@click.option(
    "--metric", help="Metric for the distribution chart (default: one the council is in the bottom quartile on)."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (default: SLI_HOME/reports/<quarter>), e.g. when SLI_HOME is read-only.",
)
@click.option(
    "--as-published",
    "as_published",
    is_flag=False,
    flag_value="first",
    metavar="[DATE]",
    help="The key facts as the quarter's overview was first published, or as published on DATE (YYYY-MM-DD).",
)
def report(
    quarter: str | None,
    council: str | None,
    metric: str | None,
    out: Path | None,
    to_date: bool,
    as_published: str | None,
) -> None:
    """Write the sector overview from the published warehouse into SLI_HOME/reports/<quarter>/."""
    from reporting.report import render

    click.echo(f"report written to {render(_paths(), quarter, council, metric, out, to_date, as_published)}")


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (default: SLI_HOME/exports/<quarter>), e.g. when SLI_HOME is read-only.",
)
@click.option(
    "--raw",
    is_flag=True,
    help="CSV: keep text and numbers exactly as stored (default: formula-looking text prefixed with ',"
    " numbers to 15 significant digits).",
)
def export(out: Path | None, raw: bool) -> None:
    """Write every mart as Parquet and CSV, and the overview tables as one Excel workbook."""
    from reporting.export import export as run_export

    folder = run_export(_paths(), out, raw=raw)
    click.echo(f"exports written to {folder} (parquet/, csv/ and {next(folder.glob('*.xlsx')).name})")


@main.command()
@click.option("-v", "--verbose", is_flag=True, help="Also print every file's line and dbt's output.")
def refresh(verbose: bool) -> None:
    """The whole quarterly refresh: ingest every inbox, build, audit, publish, report.

    One line per stage, with counts and times; dbt's whole log is always in SLI_HOME/dbt/logs/dbt.log."""
    from sli.pipeline import refresh as run_refresh
    from sli.progress import Reporter, describe_loads

    paths = _paths()
    reporter = Reporter(click.echo, verbose, _rewrite if sys.stdout.isatty() else None, _print_load)
    result = run_refresh(paths, reporter)
    for finding in result.warnings:
        click.secho(f"  warning: {finding.describe()}", fg="yellow")
    click.echo(f"refresh finished in {reporter.elapsed():.1f}s: {describe_loads(result.loads)}")
    click.echo(f"warehouse: {result.published}")
    click.echo(f"report:    {result.report_dir / 'index.html'}")


def _rewrite(text: str) -> None:
    """Write TEXT as it is: a progress line rewritten in place on a terminal."""
    click.echo(text, nl=False)


@main.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--raw",
    is_flag=True,
    help="CSV: keep text and numbers exactly as stored (default: formula-looking text prefixed with ',"
    " numbers to 15 significant digits).",
)
def sql(query: str, fmt: str, raw: bool) -> None:
    """Run QUERY read-only against the published warehouse and print the result.

    Only the warehouse's tables are reachable: reading or writing files, extensions and settings fail. A
    query may use 2 GB of memory (SLI_SQL_MEMORY_MB), spill 4 GB to a private temporary folder
    (SLI_SQL_SPILL_MB) and run 300 s (SLI_SQL_SECONDS). CSV is read by spreadsheets: text they would
    run as a formula gets a leading apostrophe unless --raw."""
    import duckdb

    from warehouse import access

    with access.connect(_paths()) as connection:
        try:
            result = access.run_query(connection, query, float(os.environ.get("SLI_SQL_SECONDS") or 300))
            if result is None:
                return
            columns, rows = result
        except duckdb.PermissionException as exc:
            raise SliError(
                f"query refused: `sli sql` reads only the published warehouse's tables; files,"
                f" extensions and settings are out of reach ({exc})"
            ) from exc
        except duckdb.Error as exc:
            reason = str(exc).splitlines()[0]  # DuckDB's advice after it (SET threads=...) is not ours to give
            if isinstance(exc, duckdb.OutOfMemoryException):
                reason += "; a query may use SLI_SQL_MEMORY_MB of memory and SLI_SQL_SPILL_MB of temporary disk"
            raise SliError(f"query failed: {reason}") from exc
    if fmt == "json":
        click.echo(json.dumps([dict(zip(columns, row)) for row in rows], default=str, indent=1))
    elif fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        safe = (lambda v: v) if raw else (lambda v: spreadsheet_safe(_as_read(v)))
        # Booleans as SQL and DuckDB's own CSV write them, not as Python's True/False.
        writer.writerows([["true" if v is True else "false" if v is False else safe(v) for v in row] for row in rows])
    else:
        _print_table(columns, rows)


def _as_read(value: object) -> object:
    """A float as people read it: 15 significant digits, as spreadsheets show them, so a sum that is
    86.30000000000001 in binary shows as 86.3 (the stored value is unchanged)."""
    return format(value, ".15g") if isinstance(value, float) else value


def _print_table(columns: list[str], rows: list[tuple]) -> None:
    cells = [[("NULL" if v is None else str(_as_read(v))) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


@main.command()
def doctor() -> None:
    """Check the published warehouse (readable, the file published, its ledger there) and that the raw zone
    and the ledger agree; exit 1, saying how to mend it, when not."""
    from ingestion import repair
    from warehouse.publish import problems

    found = problems(_paths())
    for problem in found:
        click.echo(f"  {problem}")
    mismatches = repair.check(_paths()) if _paths().ledger.exists() else []
    if found and not mismatches:
        raise SliError(f"{len(found)} problem(s) with the published warehouse or its ledger: see above")
    if not mismatches:
        click.echo("raw zone and ledger agree: every complete load's raw files are there and readable")
        return
    for mismatch in mismatches:
        click.echo(f"  {mismatch.describe()}")
    raise SliError(
        f"{len(mismatches)} problem(s): mend them from landing with `sli ingest SOURCE --reload LOAD_ID`,"
        " or take a load back with `sli retract LOAD_ID`; a file no load owns can be removed"
    )


@main.command()
@click.argument("load")
def retract(load: str) -> None:
    """Take a complete load back: LOAD is its id or its file's name (as `sli status` lists them). Its raw rows
    go (the landed file stays), and the next build is a full one."""
    from ingestion import repair

    record = repair.retract(_paths(), load)
    click.echo(f"retracted {record.load_id} ({record.source}/{record.file_name}); run `sli refresh` to rebuild")


@main.command()
@click.option("--source", type=click.Choice(SOURCES), help="Only this source.")
def status(source: str | None) -> None:
    """What was loaded when, from the load ledger."""
    from ingestion.ledger import Ledger

    path = _paths().ledger
    if not path.exists():
        records = []
    else:
        try:
            ledger = Ledger(path)  # which also closes loads left 'running' by a process that has ended
        except SliError:
            ledger = Ledger.reader(path)  # a read-only home: show the ledger as it is
        records = ledger.records(source)
    from warehouse.build import sources_without_data
    from warehouse.publish import problems

    for problem in problems(_paths()):
        click.secho(f"warning: {problem}", fg="red", err=True)
    for empty in sources_without_data(_paths()):
        if source in (None, empty):
            click.echo(f"{empty}: no data loaded (the warehouse builds without it)")
    if not records:
        click.echo("nothing loaded yet")
        return
    _print_table(
        ["load_id", "source", "file", "status", "read", "accepted", "rejected", "loaded_at", "message"],
        [
            (
                r.load_id,
                r.source,
                r.file_name,
                r.status,
                r.rows_read,
                r.rows_accepted,
                r.rows_rejected,
                (r.finished_at or r.started_at)[:19],
                r.message or "",
            )
            for r in records
        ],
    )


@main.command()
def register() -> None:
    """Rebuild the council register seeds from the ONS 2021 lookup plus the reorganisations."""
    from ingestion.council_register import SEED_PATH, write_seeds

    councils, successions = write_seeds()
    click.echo(f"{councils} councils and {successions} successions written next to {SEED_PATH}")


@main.command()
def contracts() -> None:
    """Print the source contracts as Markdown (docs/contracts.md is this output)."""
    from ingestion.contracts import render_markdown

    click.echo(render_markdown(), nl=False)


@main.command("run-dags")
@click.argument("dag_ids", nargs=-1)
@click.option("--conf", "conf", default=None, help='Params for the runs as JSON, e.g. \'{"metrics": ["1234"]}\'.')
def run_dags(dag_ids: tuple[str, ...], conf: str | None) -> None:
    """Run the refresh through the Airflow DAGs with Airflow's test runner (no scheduler needed).

    Default: every ingest DAG, then sli_warehouse. Airflow's files go to AIRFLOW_HOME, by default
    SLI_HOME/airflow (never ~/airflow); a new one gets its SQLite metadata database on the first run.
    """
    import subprocess

    from core.settings import DAGS_DIR

    # Airflow is imported only under dags/: the runner lives there, and runs in its own process.
    env = {
        "AIRFLOW_HOME": str(_paths().airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(DAGS_DIR), os.environ.get("PYTHONPATH")])),
    }
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "sli_airflow.runner", *dag_ids, *(["--conf", conf] if conf else [])]
    sys.exit(subprocess.run(command, env=env).returncode)
