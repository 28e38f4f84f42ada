"""The whole refresh, as a user runs it: through the Airflow DAGs, then re-run, then poisoned."""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import duckdb
import pytest

from conftest import REPO, airflow_env, copy_home, sli
from ingestion.sources import SOURCES, declared

MARTS = [
    "dim_council",
    "dim_metric",
    "fct_council_metric_values",
    "fct_council_metric_value_history",
    "fct_council_benchmarks",
    "fct_poll_answers",
    "fct_resident_satisfaction",
    "fct_ope_outputs",
    "mart_metric_direction_of_travel",
    "mart_councils_at_risk",
    "mart_shared_services_savings",
    "mart_shared_services_council_partnerships",
    "mart_sector_overview",
    "fct_council_at_risk_by_quarter",
]


def _run_dags(home):
    return sli(home, "run-dags", env=airflow_env(home))


def _marts(home) -> dict[str, list[tuple]]:
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        return {m: con.execute(f"select * from {m} order by all").fetchall() for m in MARTS}


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _asset_events(home) -> dict[str, int]:
    with sqlite3.connect(home / "airflow" / "airflow.db") as db:
        return dict(
            db.execute(
                "select a.name, count(*) from asset_event e join asset a on a.id = e.asset_id group by a.name"
            ).fetchall()
        )


def test_refresh_through_airflow_then_rerun_changes_nothing(fresh_home):
    first = _run_dags(fresh_home)
    assert "sli_warehouse: success" in first.stdout
    assert "publish=success" in first.stdout
    # Progress with counts as it happens, in `sli refresh`'s words: each source's files, dbt's nodes, each stage.
    progress = [line.split()[0] for line in first.stdout.splitlines() if line.startswith("    ")]
    assert {"ingest", "build", "audit", "publish", "report"} <= set(progress), first.stdout
    assert re.search(r"ingest +lginform: \d+ file\(s\): \d+ loaded; [\d,]+ rows", first.stdout), first.stdout
    assert re.search(r"build +\d+ of \d+ dbt nodes", first.stdout), first.stdout
    lines = first.stdout.splitlines()
    assert lines.index("  sli_ingest_lginform: success (ingest=success)") < min(
        i for i, line in enumerate(lines) if line.lstrip().startswith("build")
    )  # each DAG's outcome as it ends, not all at the close
    # A normal run says what happened in its own words: no third-party warning, no traceback.
    assert not re.search(r"warning(?!\(s\))|traceback", first.stdout + first.stderr, re.I), first.stdout + first.stderr
    assert _asset_events(fresh_home) == {**{f"sli_raw_{source}": 1 for source in SOURCES}, "sli_published_warehouse": 1}

    with duckdb.connect(str(fresh_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        quarters = con.execute(
            "select quarter_id, quarter_start from mart_sector_overview order by quarter_start"
        ).fetchall()
        latest = con.execute(
            "select poll_round_number, pct_satisfied_council, share_metrics_improving, shared_services_savings_gbp,"
            " shared_services_partnerships, ope_capital_receipts_gbp from mart_sector_overview"
            " order by quarter_start desc limit 1"
        ).fetchone()
    ids = [q[0] for q in quarters]
    assert len(ids) == len(set(ids)) > 40  # one row per quarter since 2010
    assert all((b[1] - a[1]).days in (90, 91, 92) for a, b in zip(quarters, quarters[1:]))  # no gaps
    assert all(value is not None for value in latest), latest
    assert 0 <= latest[2] <= 1 and 0 < latest[1] < 100

    before, ledger_before = _marts(fresh_home), sli(fresh_home, "status").stdout
    warehouse = fresh_home / "warehouse"
    files_before = {
        name: _sha(warehouse / name) for name in ("sli.duckdb", "sli.previous.duckdb") if (warehouse / name).exists()
    }
    second = _run_dags(fresh_home)
    assert second.stdout.count("ingest=skipped") == len(SOURCES)  # nothing new: no ingest DAG emits its asset
    assert "sli_warehouse: nothing new, the published warehouse is up to date since" in second.stdout
    assert not re.search(r"warning(?!\(s\))|traceback", second.stdout + second.stderr, re.I), (
        second.stdout
    )  # nor bookkeeping
    # Nor does the warehouse DAG build or publish: the files, rollback copy included, are untouched.
    assert "build=skipped" in second.stdout and "publish=skipped" in second.stdout, second.stdout
    assert {name: _sha(warehouse / name) for name in files_before} == files_before
    assert _asset_events(fresh_home)["sli_raw_polls"] == 1
    assert _asset_events(fresh_home)["sli_published_warehouse"] == 1
    assert sli(fresh_home, "status").stdout == ledger_before
    assert _marts(fresh_home) == before
    assert list((fresh_home / "reports").glob("*/index.html"))


def test_a_home_with_only_lg_inform_and_polls_publishes_through_airflow(tmp_path, sample_inbox):
    """A new deployment with two of the four sources: the warehouse DAG builds and publishes, and the
    overview and `sli status` say which sources have no data instead of refusing to build."""
    for source in ("lginform", "polls"):
        shutil.copytree(sample_inbox / source, tmp_path / "inbox" / source)
    shutil.copy(sample_inbox / "SYNTHETIC_SAMPLE.txt", tmp_path / "inbox")
    run = _run_dags(tmp_path)
    assert "sli_warehouse: success" in run.stdout and "publish=success" in run.stdout, run.stdout

    status = sli(tmp_path, "status").stdout
    assert "shared_services: no data loaded" in status and "ope: no data loaded" in status
    assert "lginform: no data loaded" not in status
    with duckdb.connect(str(tmp_path / "warehouse" / "sli.duckdb"), read_only=True) as con:
        latest = con.execute(
            "select share_metrics_improving, pct_satisfied_council, shared_services_savings_gbp,"
            " ope_capital_receipts_gbp from mart_sector_overview where quarter_end < current_date"
            " order by quarter_start desc limit 1"
        ).fetchone()
    assert latest[0] is not None and latest[1] is not None and latest[2:] == (None, None)
    [page] = (tmp_path / "reports").glob("*/index.html")
    text = html.unescape(page.read_text(encoding="utf-8"))
    without = [declared()[s].reader_name for s in SOURCES if s not in ("lginform", "polls")]
    assert f"No data loaded yet from {', '.join(without)}" in text and "One Public Estate" in without
    assert '<div class="why">no data loaded from One Public Estate</div>' in text


def test_poll_percentage_of_140_is_rejected_at_ingest_and_keeps_the_published_warehouse(tmp_path, published_home):
    home = tmp_path / "home"
    shutil.copytree(published_home, home)
    published = home / "warehouse" / "sli.duckdb"
    digest = _sha(published)
    poll = sorted((home / "inbox" / "polls").glob("*.csv"))[-1]
    text = poll.read_text(encoding="utf-8")
    needle = ",Very satisfied,"
    start = text.index(needle) + len(needle)
    end = text.index("\n", start)
    poll.write_text(text[:start] + "140" + text[end:], encoding="utf-8")

    result = sli(home, "refresh", check=False)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("LG Inform: files only (SLI_LGINFORM_KEY is not set")
    assert f"rejected polls/{poll.name}" in result.stdout
    assert "1 file(s) rejected, warehouse not rebuilt" in result.stderr and "must sum to 100" in result.stderr
    assert _sha(published) == digest
    assert not (home / "warehouse" / "candidate.duckdb").exists()


def _poison_raw_poll(home) -> None:
    """Rows that reached raw without today's input checks (e.g. an older release's load) still meet the audit."""
    [answers] = [p for p in (home / "raw" / "polls" / "answers").glob("polls-*.parquet")][-1:]
    duckdb.execute(
        f"copy (select * replace (case when _source_row = 4 then 140.0 else percent end as percent)"
        f" from '{answers}') to '{answers}.tmp' (format parquet)"
    )
    Path(f"{answers}.tmp").replace(answers)


def test_bad_rows_already_in_raw_stop_at_audit_and_keep_the_published_warehouse(tmp_path, published_home):
    home = tmp_path / "home"
    shutil.copytree(published_home, home)
    published = home / "warehouse" / "sli.duckdb"
    digest = _sha(published)
    _poison_raw_poll(home)

    result = sli(home, "refresh", check=False)
    assert result.returncode == 1
    assert "audit failed" in result.stderr and "expect_column_values_to_be_between" in result.stderr
    assert "fct_poll_answers.percent" in result.stderr and "140" in result.stderr
    assert _sha(published) == digest
    assert not (home / "warehouse" / "candidate.audit.json").exists()


def test_a_rejected_file_through_airflow_is_its_one_line_reason_and_the_traceback_is_in_the_runs_log(
    tmp_path, published_home
):
    home = copy_home(published_home, tmp_path / "home")
    (home / "inbox" / "polls" / "broken_round.csv").write_text("Wrong,Header\n1,2\n", encoding="utf-8")
    result = sli(home, "run-dags", "sli_ingest_polls", env=airflow_env(home), check=False)
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in out, out
    reason = "rejected: file broken_round.csv, row 1: header row not found; missing column(s): Question code, Answer"
    assert out.count(reason) == 1, out
    [log] = (home / "airflow" / "logs" / "run-dags").glob("*.log")
    assert f"the whole log, tracebacks included: {log}" in result.stderr
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8") and reason in log.read_text()


def test_failing_audit_fails_the_warehouse_dag_run_and_keeps_the_published_warehouse(tmp_path, published_home):
    home = tmp_path / "home"
    shutil.copytree(published_home, home)
    digest = _sha(home / "warehouse" / "sli.duckdb")
    _poison_raw_poll(home)
    result = sli(home, "run-dags", "sli_warehouse", env=airflow_env(home), check=False)
    assert result.returncode == 1
    assert "DAG sli_warehouse ended failed; failed task(s): audit" in result.stderr
    assert _sha(home / "warehouse" / "sli.duckdb") == digest
    assert "sli_published_warehouse" not in _asset_events(home)


def test_sql_prints_tables_csv_and_json(published_home):
    table = sli(published_home, "sql", "select count(*) as n from dim_council").stdout
    assert table.splitlines()[0].strip() == "n" and "365" in table
    csv_out = sli(
        published_home,
        "sql",
        "select distinct edition_year from mart_shared_services_savings order by 1",
        "--format",
        "csv",
    ).stdout
    assert csv_out.splitlines() == ["edition_year", "2017", "2018", "2019"]
    json_out = sli(published_home, "sql", "select 1 as one", "--format", "json").stdout
    assert '"one": 1' in json_out


@pytest.mark.parametrize("statement", ["create table x as select 1", "delete from dim_council"])
def test_sql_cannot_write_to_the_published_warehouse(published_home, statement):
    digest = _sha(published_home / "warehouse" / "sli.duckdb")
    result = sli(published_home, "sql", statement, check=False)
    assert result.returncode == 1 and "read-only" in result.stderr.lower()
    assert _sha(published_home / "warehouse" / "sli.duckdb") == digest


def test_status_lists_every_load(published_home):
    out = sli(published_home, "status").stdout
    for source in SOURCES:
        assert source in out
    rows = out.splitlines()[2:-1]
    assert rows and all(row.split()[3] == "loaded" for row in rows)
    assert all(row.split()[0].startswith(f"{row.split()[1]}-") for row in rows)  # each load's id, to retract by


EXPLORER = ("synthetic_planning_applications_decided_on_time", "synthetic_temporary_accommodation_per_1_000_households")


def test_long_format_measures_join_the_basket_through_its_mapping_rows(published_home):
    """The sample's Oflog-layout file carries no unit, service area or council types: the basket's mapping
    rows give them, and its measures then count like any basket metric."""
    catalogue = sli(
        published_home,
        "sql",
        "select metric_id, polarity, unit, service_area, applies_to, in_basket,"
        " source from dim_metric where source = 'data_explorer' order by 1",
        "--format",
        "csv",
    ).stdout
    lower_tier = "unitary|district|metropolitan district|london borough"
    assert catalogue.splitlines()[1:] == [
        f"{EXPLORER[0]},high_is_good,percent,Planning,{lower_tier},true,data_explorer",
        f'{EXPLORER[1]},low_is_good,"rate per 1,000",Housing,{lower_tier},true,data_explorer',
    ]
    counted = sli(
        published_home,
        "sql",
        f"select count(*) from fct_council_metric_values where metric_id = '{EXPLORER[1]}' and value is not null",
        "--format",
        "csv",
    ).stdout.splitlines()[1]
    assert int(counted) > 1000
    sector = sli(
        published_home,
        "sql",
        "select metric_id, in_basket, direction_lga_method is not null"
        " from mart_metric_direction_of_travel where level = 'sector' and metric_id like 'synthetic%'"
        " order by 1",
        "--format",
        "csv",
    ).stdout
    assert sector.splitlines()[1:] == [f"{EXPLORER[0]},true,true", f"{EXPLORER[1]},true,true"]
    counted = sli(
        published_home,
        "sql",
        "select (select metrics_with_polarity from mart_sector_overview"
        " order by quarter_start desc limit 1) = (select count(*) from mart_metric_direction_of_travel"
        " where level = 'sector' and in_basket and not is_discontinued and polarity <> 'not_applicable')",
        "--format",
        "csv",
    ).stdout
    assert counted.splitlines()[1] == "true"  # the headline counts basket metrics only


def test_the_readmes_new_quarter_runs_as_written(tmp_path, published_home):
    """The README's "A new quarter" block, run line by line in a checkout-like folder whose `data/` is a
    published home: the delivery loads and publishes, and the retracted file's figures leave again."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A new quarter", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```bash\n(.*?)```", section, re.S)
    work = tmp_path / "checkout"
    work.mkdir()
    (work / ".venv").symlink_to(REPO / ".venv")
    home = copy_home(published_home, work / "data")
    run = subprocess.run(
        ["bash", "-e", "-c", block],
        cwd=work,
        env={**os.environ, "SLI_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert re.search(r"retracted lginform-\S+ \(lginform/data_S9001.json\)", run.stdout)
    assert "PASS" in run.stdout and "FAIL" not in run.stdout
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        metrics = {
            row[0]
            for row in con.execute(
                "select distinct metric_id from fct_council_benchmarks where period_id = 'fin_2025_26'"
            ).fetchall()
        }
    assert "S9002" in metrics and "S9001" not in metrics  # delivered, and the retracted one gone again


def test_poll_rounds_as_published_reach_the_overview(tmp_path):
    """A round as the LGA prints it (wording, `Round 19`, a fieldwork range, total rows), and rounds published
    only as headlines, through `sli refresh`."""
    inbox = tmp_path / "inbox" / "polls"
    inbox.mkdir(parents=True)
    fixtures = REPO / "tests" / "fixtures" / "polls"
    shutil.copyfile(fixtures / "round_as_published.csv", inbox / "round_19.csv")
    shutil.copyfile(fixtures / "headlines_only.csv", inbox / "rounds_1_2_headlines.csv")
    shutil.copyfile(fixtures / "tracking_rounds_across.csv", inbox / "tracking.csv")
    sli(tmp_path, "refresh")
    with duckdb.connect(str(tmp_path / "warehouse" / "sli.duckdb"), read_only=True) as con:
        overview = {
            str(end): rest
            for end, *rest in con.execute(
                "select quarter_end, poll_round_number, pct_satisfied_council, pct_satisfied_area,"
                " council_margin_of_error_pp from mart_sector_overview"
                " where quarter_end in ('2012-12-31', '2018-03-31')"
            ).fetchall()
        }
        [(trust,)] = con.execute(
            "select pct_trust_council from mart_sector_overview where quarter_end = '2013-03-31'"
        ).fetchall()
        [(headline_only,)] = con.execute(
            "select bool_and(is_headline_only) from fct_resident_satisfaction where round_number in (1, 2)"
        ).fetchall()
    assert overview["2018-03-31"][:3] == [19, 63.0, 79.0]
    assert overview["2012-12-31"][:3] == [2, 68.0, 80.0] and headline_only
    assert trust == 60.0  # round 3, from the tracking table's rounds across the columns
    assert round(overview["2012-12-31"][3], 3) == round(100 * 1.96 * (0.68 * 0.32 / 1005) ** 0.5, 3)


def test_a_basket_file_in_the_home_sets_which_metrics_count_without_touching_the_project(tmp_path, published_home):
    import csv

    home = copy_home(published_home, tmp_path / "home")
    in_basket = "select count(*) from dim_metric where in_basket"
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        [(before,)] = con.execute(in_basket).fetchall()
    seed = REPO / "dbt_project" / "seeds" / "metric_basket.csv"
    project_basket = seed.read_bytes()
    with seed.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    own = [row for row in rows if row["basket"] == "synthetic"][:4]
    (home / "config").mkdir()
    with (home / "config" / "metric_basket.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(own)
    refreshed = sli(home, "refresh")
    assert "basket 'synthetic' (4 metrics, SLI_HOME/config/metric_basket.csv)" in refreshed.stdout.splitlines()[0]
    assert re.search(r"^publish\s", refreshed.stdout, re.M)  # a new basket is a new build, though no file is new
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        assert con.execute(in_basket).fetchall() == [(4,)] and before > 4
        # Comparisons per council follow the basket (their cost grows with it, not with the catalogue); the
        # metrics left out keep their values and the sector's medians and direction of travel.
        [outside] = con.execute(
            """with outside as (select metric_id from dim_metric where not in_basket)
            select (select count(*) from fct_council_metric_values where metric_id in (from outside)),
                   (select count(*) from mart_metric_direction_of_travel where level = 'sector' and not in_basket),
                   (select count(*) from fct_council_benchmarks where metric_id in (from outside)),
                   (select count(*) from mart_metric_direction_of_travel where level = 'council' and not in_basket)"""
        ).fetchall()
        assert outside[0] > 1_000 and outside[1] >= 1 and outside[2] == outside[3] == 0, outside
    dropped = before - 4
    # The change is said against the edition before, in the refresh and on the pages.
    assert re.search(
        rf"^basket +changed since the edition published .*: {dropped} no longer tracked \(", refreshed.stdout, re.M
    )
    [page] = (home / "reports").glob("*/index.html")
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert "4 metrics tracked, from this deployment's own list" in text
    assert re.search(
        rf"The metrics tracked changed since the edition published on\s[^:]+: {dropped} no longer tracked", text
    )
    (home / "config" / "metric_basket.csv").unlink()
    back = sli(home, "refresh")
    assert "basket 'synthetic' (" in back.stdout and "the project's default)" in back.stdout.splitlines()[0]
    assert re.search(rf"^basket +changed since the edition published .*: {dropped} added \(", back.stdout, re.M)
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        assert con.execute(in_basket).fetchall() == [(before,)]
    assert seed.read_bytes() == project_basket  # the project's own basket was never edited
