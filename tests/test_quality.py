"""Data quality gates, poisoned one way per check: errors stop the publish and leave the published
warehouse byte-identical; warnings let it through and show in `sli quality`; Data Docs list every suite."""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
import pytest
import xlsxwriter

from conftest import BIN, sli
from expectations.suites import SUITES


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def home(tmp_path, published_home):
    copy = tmp_path / "home"
    shutil.copytree(published_home, copy)
    return copy


def _refresh_fails(home, *needles: str) -> str:
    published = home / "warehouse" / "sli.duckdb"
    digest = _sha(published)
    result = sli(home, "refresh", check=False)
    assert result.returncode == 1, result.stdout
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert _sha(published) == digest
    return result.stderr


def test_a_percentage_of_140_rejects_the_round_naming_rule_and_value(home):
    rows = [
        [20, "2026-10-20", "2026-10-23", 1000, "council_satisfaction", "Q", answer, pct]
        for answer, pct in [
            ("Very satisfied", 140),
            ("Fairly satisfied", 30),
            ("Neither satisfied nor dissatisfied", 10),
            ("Fairly dissatisfied", 10),
            ("Very dissatisfied", -100),
            ("Don't know", 10),
        ]
    ]
    frame = pd.DataFrame(
        rows,
        columns=["Round", "Fieldwork start", "Fieldwork end", "Base", "Question code", "Question", "Answer", "Percent"],
    )
    frame.to_csv(home / "inbox" / "polls" / "round_99.csv", index=False)
    _refresh_fails(home, "round_99.csv", "polls.answers contract: percent must be between 0 and 100: got 140.0")


def test_a_savings_total_that_does_not_reconcile_stops_the_publish(home):
    edition = pd.read_excel(
        home / "inbox" / "shared_services" / "shared_services_map_2019.xlsx",
        header=None,
        dtype=object,
        engine="calamine",
    )
    path = home / "inbox" / "shared_services" / "shared_services_map_2019_republished.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for index, row in enumerate(edition.itertuples(index=False)):
        cells = ["" if pd.isna(cell) else cell for cell in row]
        if str(cells[0]).startswith("Total savings to date"):
            cells[0] = "Total savings to date: £1,340,000,000"  # a headline figure, not these rows' sum
        sheet.write_row(index, 0, cells)
    book.close()
    stderr = _refresh_fails(
        home,
        "audit failed",
        "qa_reconciliation",
        "expect_column_values_to_be_null",
        "shared services 2019 edition: stated total against its partnerships: expected 1340000000",
    )
    assert "qa_reconciliation.mismatch" in stderr


def test_a_metric_whose_reporting_councils_halve_stops_the_publish(home):
    document = json.loads((home / "inbox" / "lginform" / "data_S9001.json").read_text(encoding="utf-8"))
    # The latest period again as 2025/26, from every other council that reported it.
    latest = max(range(len(document["columns"])), key=lambda i: document["columns"][i]["period"]["startDate"])
    column = {**document["columns"][latest], "period": {"identifier": "fin_2025_26", "label": "2025/26"}}
    rows = [{**row, "values": [row["values"][latest]]} for row in document["rows"] if row["values"][latest]]
    (home / "inbox" / "lginform" / "data_S9001_2025_26.json").write_text(
        json.dumps({"columns": [column], "rows": rows[::2]})
    )
    _refresh_fails(home, "audit failed", "qa_metric_completeness", "S9001 fin_2025_26")


def test_a_stale_source_is_a_warning_shown_by_sli_quality_and_data_docs(tmp_path, sample_inbox):
    home = tmp_path / "home"
    shutil.copytree(sample_inbox, home / "inbox")
    for old in sorted((home / "inbox" / "polls").glob("*.csv"))[20:]:  # only rounds up to about 2018 remain
        old.unlink()
    result = sli(home, "refresh")
    assert "warning: suite 'qa_source_freshness'" in result.stdout and "polls: newest data" in result.stdout
    assert (home / "warehouse" / "sli.duckdb").exists()

    quality = sli(home, "quality").stdout
    lines = {line.split()[1]: line.split()[0] for line in quality.splitlines() if line[:4] in ("PASS", "WARN", "FAIL")}
    assert lines["qa_source_freshness"] == "WARN" and lines["qa_reconciliation"] == "PASS"
    assert "warning: expect_column_values_to_be_null() on stale_source" in quality and "polls: newest data" in quality

    index = (home / "quality" / "data_docs" / "index.html").read_text(encoding="utf-8")
    suites = sorted(lines)
    assert suites == sorted(suite.name for suite in SUITES) and all(suite in index for suite in suites)


# One row broken against each statistic's own rule, and the message naming the rule.
ONE_BENCHMARK = (
    "(council_code, metric_id, period_id, comparator_group) in (select council_code, metric_id, period_id,"
    " comparator_group from fct_council_benchmarks where comparator_group = 'england' and {} limit 1)"
)
LATEST_QUARTER = "quarter_id = (select max(quarter_id) from mart_sector_overview where {})"
BROKEN = {
    # The old rank-based error: a row relabelled from quartile 4 to 3.
    "quartile": (
        "update fct_council_benchmarks set quartile = 3 where " + ONE_BENCHMARK.format("quartile = 4"),
        "fct_council_benchmarks: rows whose quartile contradicts the boundaries beside it: expected 0.0, got 1.0",
    ),
    "boundaries": (
        "update fct_council_benchmarks set lower_quartile_value = median_value + 1 where "
        + ONE_BENCHMARK.format("median_value is not null"),
        "rows whose boundaries are out of order (min <= lower quartile <= median <= upper quartile <= max):"
        " expected 0.0, got 1.0",
    ),
    "rank": (
        "update fct_council_benchmarks set rank_in_group = n_in_group + 1 where "
        + ONE_BENCHMARK.format("rank_in_group is not null"),
        "fct_council_benchmarks: ranks outside 1 to the councils compared: expected 0.0, got 1.0",
    ),
    "direction": (
        "update intermediate.int_metrics__direction_by_quarter set latest_period_id = baseline_period_id where rowid ="
        " (select min(rowid) from intermediate.int_metrics__direction_by_quarter where latest_period_id is not null)",
        "comparisons whose latest period does not start after the baseline: expected 0.0, got 1.0",
    ),
    "share": (
        "update mart_sector_overview set share_metrics_improving = 1.5 where "
        + LATEST_QUARTER.format("share_metrics_improving is not null"),
        "quarters whose share improving is outside 0 to 1 or not its counts: expected 0.0, got 1.0",
    ),
    "figure missing": (
        "update mart_sector_overview set poll_round_number = null where "
        + LATEST_QUARTER.format("poll_round_number is not null"),
        "quarters missing the poll round or map edition their source had by then: expected 0.0, got 1.0",
    ),
}


@pytest.mark.parametrize("rule", BROKEN)
def test_a_candidate_breaking_a_statistics_rule_is_refused_at_publish(home, rule):
    """The audit guards each statistic's rule on every row: one row broken in a candidate is found by the
    reconciliation, the audit fails naming the rule, and nothing is published."""
    import os
    import subprocess

    import duckdb

    from core.settings import DBT_PROJECT_DIR, get_paths
    from warehouse.build import dbt_env

    update, message = BROKEN[rule]
    paths = get_paths(home)
    shutil.copyfile(paths.published, paths.candidate)
    with duckdb.connect(str(paths.candidate)) as con:
        [(changed,)] = con.execute(update).fetchall()
    assert changed == 1
    dbt = subprocess.run(
        [str(BIN / "dbt"), "run", "--select", "qa_reconciliation", "--project-dir", str(DBT_PROJECT_DIR)],
        env=dbt_env(paths, paths.candidate),
        cwd=home,
        capture_output=True,
        text=True,
    )
    assert dbt.returncode == 0, dbt.stdout[-2000:]
    digest = _sha(paths.published)
    result = sli(home, "audit", check=False)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    assert sli(home, "publish", check=False).returncode == 1 and _sha(paths.published) == digest
    assert os.path.exists(paths.candidate)


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("fct_poll_answers", "round_number, question_code, answer_option"),  # a full check on every build
        ("fct_council_metric_values", "council_code, metric_id, period_id"),  # the catalogue-sized table
    ],
)
def test_the_grain_test_finds_a_key_held_twice(home, table, key):
    """dbt's `unique_combination` test groups by a hash of the key before the key itself: a row whose key
    another row holds is still found, and the test fails with that one key."""
    import subprocess

    import duckdb

    from core.settings import DBT_PROJECT_DIR, get_paths
    from warehouse.build import dbt_env

    paths = get_paths(home)
    shutil.copyfile(paths.published, paths.candidate)
    with duckdb.connect(str(paths.candidate)) as con:
        con.execute(f"insert into {table} (select * from {table} order by {key} limit 1)")
    # A whole-table check, as in a full build (`--full-refresh`): an incremental one reads only redone keys.
    command = [str(BIN / "dbt"), "build", "--select", f"{table},test_name:unique_combination", "--full-refresh"]
    dbt = subprocess.run(
        [*command, "--exclude-resource-type", "model", "--project-dir", str(DBT_PROJECT_DIR)],
        env=dbt_env(paths, paths.candidate),
        cwd=home,
        capture_output=True,
        text=True,
    )
    assert dbt.returncode == 1, dbt.stdout[-2000:]
    assert f"FAIL 1 unique_combination_{table}" in dbt.stdout, dbt.stdout[-2000:]
    failures = json.loads((paths.dbt_target / "run_results.json").read_text())["results"]
    assert [r["failures"] for r in failures if r["status"] == "fail"] == [1]
