"""Measures arrive under the names their publishers use: matched to the overview's measures whatever the
case or spacing, through the measure_aliases seed; a name that matches nothing is quarantined at ingest
with its file, row and value, never left to fail a build."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest

from conftest import copy_home, sli
from ingestion import aliases
from ingestion.parsers import lginform, ope, polls

POLL_HEADER = "Round,Fieldwork start,Fieldwork end,Base,Question code,Question,Answer,Percent"
ANSWERS = [
    ("Very satisfied", 20),
    ("Fairly Satisfied", 45),  # as typed from a report: a capital S
    ("Neither  satisfied nor dissatisfied", 15),
    ("Fairly dissatisfied", 10),
    ("Very dissatisfied", 8),
    ("Don\u2019t know", 2),  # a curly apostrophe
]


def _poll(path, question="council_satisfaction", answers=ANSWERS):
    rows = [f"19,2018-02-08,2018-02-11,1001,{question},Q,{answer},{pct}" for answer, pct in answers]
    path.write_text("\n".join([POLL_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_names_match_whatever_their_case_spacing_quotes_or_invisible_characters():
    assert aliases.key("  Capital_receipts ") == aliases.key("CAPITAL  RECEIPTS") == "capital receipts"
    assert aliases.resolve("ope_output", "Land released for homes") == "homes_land_released"
    assert aliases.resolve("ope_output", "homes_land_released") == "homes_land_released"
    assert aliases.resolve("poll_question", "council\u200b_satisfaction") == "council_satisfaction"  # zero-width
    wording = "Overall, how satisfied or dissatisfied are you with the way your local council runs things?"
    assert aliases.resolve("poll_question", wording.upper()) == "council_satisfaction"
    assert aliases.resolve("ope_output", "Capitol receipts") is None


def test_poll_labels_as_typed_load_as_the_projects_labels(tmp_path):
    parsed = polls.parse(_poll(tmp_path / "round19.csv"))
    answers = parsed.tables["answers"]
    assert parsed.rejects == []
    assert list(answers["answer_option"]) == [
        "Very satisfied",
        "Fairly satisfied",
        "Neither satisfied nor dissatisfied",
        "Fairly dissatisfied",
        "Very dissatisfied",
        "Don't know",
    ]


def test_an_unknown_answer_or_question_is_rejected_at_ingest_naming_row_and_value(tmp_path):
    misspelt = [("Fairly Satisfiedd", 45) if answer == "Fairly Satisfied" else (answer, pct) for answer, pct in ANSWERS]
    parsed = polls.parse(_poll(tmp_path / "round19.csv", answers=misspelt))
    [reject] = parsed.rejects
    assert (reject.row, reject.column) == (3, "Answer") and reject.raw["answer"] == "Fairly Satisfiedd"
    assert "unknown answer option 'Fairly Satisfiedd'" in reject.reason
    parsed = polls.parse(_poll(tmp_path / "round19.csv", question="council_satisfactoin"))
    assert len(parsed.rejects) == 6
    assert parsed.rejects[0].column == "Question code" and "'council_satisfactoin'" in parsed.rejects[0].reason


def test_a_misspelt_answer_stops_at_ingest_never_at_the_build(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    misspelt = [("Fairly Satisfiedd", 45) if answer == "Fairly Satisfied" else (answer, pct) for answer, pct in ANSWERS]
    _poll(home / "inbox" / "polls" / "round_99.csv", answers=misspelt)
    result = sli(home, "refresh", check=False)
    assert result.returncode == 1
    assert "round_99.csv, row 3, column 'Answer'" in result.stderr and "'Fairly Satisfiedd'" in result.stderr
    assert "dbt" not in result.stderr


def test_ope_outputs_under_published_names_are_the_overviews_measures(tmp_path):
    path = tmp_path / "ope.csv"
    path.write_text(
        "Measure,Value,Unit,Basis,Scope,As of date\n"
        "Capital receipts,1000,GBP,Achieved,Programme,2026-06-30\n"
        "Capitol receipts,5,GBP,Achieved,Programme,2026-06-30\n",
        encoding="utf-8",
    )
    parsed = ope.parse(path)
    assert list(parsed.tables["outputs"]["measure"]) == ["capital_receipts"]
    [reject] = parsed.rejects
    assert (reject.row, reject.column) == (3, "Measure") and "unknown measure 'Capitol receipts'" in reject.reason


def test_an_explorer_measure_has_one_id_with_or_without_a_code_column(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    shutil.copytree(aliases.SEEDS, seeds)
    with (seeds / "measure_aliases.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["explorer_measure", "Household waste recycled", "WASTE01"])
    monkeypatch.setattr(aliases, "SEEDS", seeds)
    aliases.names.cache_clear()
    header = "Local authority code,Local authority name,Region,Financial year,Measure,{}Value,rank_order\n"
    coded, named = tmp_path / "coded.csv", tmp_path / "named.csv"
    coded.write_text(
        header.format("Code,") + "E06000001,Hartlepool,North East,2019-20,Household waste recycled,WASTE01,41.2,desc\n"
    )
    named.write_text(header.format("") + "E06000001,Hartlepool,North East,2020-21,household waste recycled,39.9,desc\n")
    try:
        ids = {
            path.name: set(lginform.parse(path).tables["values"]["metric_id"].to_pylist()) for path in (coded, named)
        }
    finally:
        aliases.names.cache_clear()
    assert ids == {"coded.csv": {"WASTE01"}, "named.csv": {"WASTE01"}}


def test_ope_outputs_under_their_published_names_reach_the_overview(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    (home / "inbox" / "ope" / "ope_outputs_as_published.csv").write_text(
        "Measure,Value,Unit,Basis,Scope,As of date\n"
        "Capital receipts,987654321,GBP,Achieved,Programme,2026-06-30\n"
        "Running cost savings,87654321,GBP,Achieved,Programme,2026-06-30\n"
        "Jobs created,7654,jobs,Achieved,Programme,2026-06-30\n"
        "Land released for homes,6543,homes,Achieved,Programme,2026-06-30\n"
        "Capitol receipts,1,GBP,Achieved,Programme,2026-06-30\n",
        encoding="utf-8",
    )
    result = sli(home, "refresh")
    assert "ope_outputs_as_published.csv" in result.stdout and "1 quarantined" in result.stdout
    [row] = [
        row
        for path in (home / "quarantine" / "ope").glob("*.csv")
        for row in csv.DictReader(path.open(encoding="utf-8"))
        if row["file"] == "ope_outputs_as_published.csv"
    ]
    assert row["row"] == "6" and row["column"] == "Measure" and "'Capitol receipts'" in row["reason"]
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        figures = con.execute(
            "select ope_as_of_date, ope_capital_receipts_gbp, ope_running_cost_savings_gbp, ope_jobs_created,"
            " ope_homes_land_released from mart_sector_overview where quarter_id = '2026-Q3'"
        ).fetchone()
    assert figures[1:] == pytest.approx((987654321, 87654321, 7654, 6543)) and str(figures[0]) == "2026-06-30"
