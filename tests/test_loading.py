"""Land and load: raw Parquet with lineage, contracts and quarantine, the ledger, idempotent reloads."""

from __future__ import annotations

import json
import sqlite3

import duckdb
import pytest

from conftest import sli
from core.settings import get_paths
from ingestion.landing import safe_name
from ingestion.ledger import Ledger
from ingestion.loader import ingest

ANSWERS = [
    ("Very satisfied", 20),
    ("Fairly satisfied", 45),
    ("Neither satisfied nor dissatisfied", 15),
    ("Fairly dissatisfied", 10),
    ("Very dissatisfied", 8),
    ("Don't know", 2),
]
HEADER = "Round,Fieldwork start,Fieldwork end,Base,Question code,Question,Answer,Percent"


def _poll_file(path, round_number=1, base="1000", extra_rows=(), cells=None):
    cells = cells or [str(p) for _, p in ANSWERS]
    rows = [
        f"{round_number},2012-09-07,2012-09-10,{base},council_satisfaction,Q,{answer},{cell}"
        for (answer, _), cell in zip(ANSWERS, cells)
    ]
    path.write_text("\n".join([HEADER, *rows, *extra_rows]) + "\n", encoding="utf-8")
    return path


def _quarantine(paths, source) -> list[dict]:
    import csv

    rows = []
    for file in sorted((paths.quarantine / source).glob("*.csv")):
        with file.open(encoding="utf-8") as handle:
            rows += list(csv.DictReader(handle))
    return rows


OPE_HEADER = "Measure,Value,Unit,Basis,Scope,As of date"


def test_load_writes_raw_with_lineage_quarantine_and_ledger(tmp_path):
    paths = get_paths(tmp_path / "home")
    outputs = tmp_path / "outputs.csv"
    outputs.write_text(
        f"{OPE_HEADER}\njobs_created,100,jobs,achieved,programme,2019-03-31\n"
        "homes_land_released,-5,homes,achieved,programme,2019-03-31\n",
        encoding="utf-8",
    )
    [result] = ingest("ope", [outputs], paths)
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == ("loaded", 2, 1, 1)
    [bad] = _quarantine(paths, "ope")
    assert (bad["file"], bad["row"], bad["column"]) == ("outputs.csv", "3", "value")
    assert bad["reason"] == "ope.outputs contract: value must be at least 0: got -5.0"
    assert json.loads(bad["raw"])["measure"] == "homes_land_released"

    good = _poll_file(tmp_path / "round2.csv", round_number=2)
    [result] = ingest("polls", [good], paths)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (6, 6, 0)
    row = duckdb.execute(
        f"select percent, _source_row, _source_file, _load_id, round_number"
        f" from '{paths.raw}/polls/answers/polls-*.parquet' where _source_row = 2"
    ).fetchone()
    assert row[0] == 20.0 and row[1] == 2 and row[2].endswith("round2.csv") and row[3].startswith("polls-")
    landed = sorted(p.read_bytes() for p in [*(paths.landing / "polls").iterdir(), *(paths.landing / "ope").iterdir()])
    assert landed == sorted([outputs.read_bytes(), good.read_bytes()])
    records = Ledger(paths.ledger).records()
    assert [(r.status, r.rows_read, r.rows_accepted, r.rows_rejected) for r in records] == [
        ("loaded", 2, 1, 1),
        ("loaded", 6, 6, 0),
    ]
    assert "quarantined in" in records[0].message and "value" in records[0].message


def test_a_poll_round_with_a_bad_row_is_rejected_whole_naming_rule_and_value(tmp_path):
    paths = get_paths(tmp_path / "home")
    small_base = _poll_file(tmp_path / "round1.csv", base="12")  # a base of 12 people is not a poll
    [result] = ingest("polls", [small_base], paths)
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == ("rejected", 6, 0, 6)
    assert result.message == (
        "file round1.csv, row 2, column 'base_n': 6 row(s) break the contract, so the file is"
        " rejected whole; first: polls.answers contract: base_n must be between 100 and"
        " 100000: got 12"
    )
    assert not (paths.raw / "polls").exists() and Ledger(paths.ledger).records()[0].status == "rejected"


def test_duplicate_rows_keep_the_first_and_conflicting_rows_are_all_quarantined(tmp_path):
    paths = get_paths(tmp_path / "home")
    ope = tmp_path / "ope.csv"
    ope.write_text(
        f"{OPE_HEADER}\n"
        "jobs_created,100,jobs,achieved,programme,2019-03-31\n"
        "jobs_created,100,jobs,achieved,programme,2019-03-31\n"
        "homes_land_released,5,homes,achieved,programme,2019-03-31\n"
        "homes_land_released,6,homes,achieved,programme,2019-03-31\n"
        "capital_receipts,-5,GBP,achieved,programme,2019-03-31\n"
    )
    [result] = ingest("ope", [ope], paths)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (5, 1, 4)
    reasons = {(r["row"], r["reason"].split(":")[0]) for r in _quarantine(paths, "ope")}
    assert reasons == {
        ("3", "duplicate of row 2"),
        ("4", "rows 4, 5 share this key with different values"),
        ("5", "rows 4, 5 share this key with different values"),
        ("6", "ope.outputs contract"),
    }  # then the rule and the value, as above


def test_unknown_and_retired_council_codes_are_kept_and_flagged(tmp_path):
    paths = get_paths(tmp_path / "home")
    data = tmp_path / "data_metricType-77.csv"
    data.write_text(
        "area,area label,2019/20\nE06000001,Hartlepool,1\nE07000163,Craven,2\nE92000001,England,3\nCraven,Craven,4\n"
    )
    [result] = ingest("lginform", [data], paths)
    assert (result.rows_accepted, result.rows_rejected) == (3, 1)
    flags = duckdb.execute(
        f"select area_code, area_status from '{paths.raw}/lginform/values/*.parquet' order by 1"
    ).fetchall()
    assert flags == [("E06000001", "current"), ("E07000163", "retired"), ("E92000001", "unknown")]
    [reject] = _quarantine(paths, "lginform")
    assert reject["row"] == "5" and reject["column"] == "area_code" and "'Craven'" in reject["reason"]


def test_same_content_twice_loads_once(tmp_path):
    paths = get_paths(tmp_path / "home")
    first = _poll_file(tmp_path / "a.csv")
    second = tmp_path / "b.csv"
    second.write_bytes(first.read_bytes())
    results = ingest("polls", [first, second], paths)
    assert [r.status for r in results] == ["loaded", "skipped"]
    assert len(list((paths.raw / "polls" / "answers").glob("*.parquet"))) == 1
    assert ingest("polls", [first], paths)[0].status == "skipped"
    assert len(Ledger(paths.ledger).records()) == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bad.csv", "nothing,like,a,poll\n1,2,3,4\n", "missing column(s): Question code, Answer"),
        ("empty.csv", "", "the file is empty"),
        ("broken.xlsx", "PK\x03\x04 truncated", "cannot read as an .xlsx workbook"),
    ],
)
def test_rejected_file_stays_in_landing_and_is_recorded(tmp_path, name, content, reason):
    paths = get_paths(tmp_path / "home")
    bad = tmp_path / name
    bad.write_text(content)
    [result] = ingest("polls", [bad], paths)
    assert result.status == "rejected" and result.message.startswith(f"file {name}") and reason in result.message
    assert [p.read_bytes() for p in (paths.landing / "polls").iterdir()] == [bad.read_bytes()]
    assert not (paths.raw / "polls").exists()
    assert Ledger(paths.ledger).records()[0].status == "rejected"


def test_file_names_cannot_escape_landing():
    assert safe_name("../../etc/passwd") == "passwd"
    assert "/" not in safe_name("a/b\\c d.csv")


def test_cli_ingest_of_a_mixed_folder_loads_the_good_and_names_the_bad(tmp_path):
    inbox = tmp_path / "drop"
    inbox.mkdir()
    _poll_file(inbox / "round01.csv", round_number=1)
    _poll_file(inbox / "round02.csv", round_number=2, cells=["20", "45", "15", "10", "8", "9"])  # sums to 107
    _poll_file(
        inbox / "round03.csv",
        round_number=3,
        extra_rows=[
            "3,2012-09-07,2012-09-10,1000,council_trust,Q,A great deal,140",
            "3,2012-09-07,2012-09-10,1000,council_trust,Q,Not at all,-40",
        ],
    )
    (inbox / "round04.csv").write_text("Round,Answer\n")
    (inbox / "notes.txt").write_text("not a poll")  # not a poll file type: ignored
    result = sli(tmp_path / "home", "ingest", "polls", str(inbox), check=False)
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert lines[0].startswith("loaded   polls/round01.csv: 6 rows")
    assert lines[1].startswith("rejected polls/round02.csv") and "council_satisfaction sums to 107" in lines[1]
    assert lines[2].startswith("rejected polls/round03.csv") and "row 8" in lines[2]
    assert "polls.answers contract: percent must be between 0 and 100: got 140.0" in lines[2]
    assert lines[3].startswith("rejected polls/round04.csv") and "Question code" in lines[3]
    assert lines[4] == "4 file(s): 1 loaded, 3 rejected; 6 rows, 0 quarantined"


def test_raw_holds_exactly_the_complete_loads_after_a_load_is_killed(tmp_path):
    """A load's raw file appears only after the ledger records it complete. Killed in between, the next
    ingest finishes the rename; killed before the ledger, it drops the file, and the file loads again."""
    home = tmp_path / "home"
    paths = get_paths(home)
    inbox = home / "inbox" / "polls"
    inbox.mkdir(parents=True)
    _poll_file(inbox / "round1.csv", round_number=1)
    [complete] = ingest("polls", [inbox / "round1.csv"], paths)
    [raw_file] = (paths.raw / "polls" / "answers").glob("*.parquet")
    raw_file.rename(raw_file.with_name(raw_file.name + ".pending"))  # killed after the ledger, before the rename
    orphan = raw_file.with_name("polls-killed-before-the-ledger.parquet.pending")
    orphan.write_bytes(raw_file.with_name(raw_file.name + ".pending").read_bytes())

    sli(home, "ingest", "polls")
    # (the ingest also writes the table's zero-row schema file, which holds no load's rows)
    assert sorted(p.name for p in (paths.raw / "polls" / "answers").iterdir()) == ["_schema.parquet", raw_file.name]
    assert complete.status == "loaded" and Ledger(paths.ledger).complete_loads() == {raw_file.stem}


# The ledger as earlier versions wrote it: no owner, no list of raw files, no 'retracted' status.
EARLIER_LEDGER = """
create table loads (
    load_id text primary key, source text not null, file_name text not null, file_sha256 text not null,
    landed_path text not null,
    status text not null check (status in ('running', 'loaded', 'rejected', 'failed')),
    rows_read integer, rows_accepted integer, rows_rejected integer, message text,
    started_at text not null, finished_at text);
create table api_runs (
    run_id text primary key, source text not null,
    status text not null check (status in ('running', 'stopped', 'complete', 'failed')),
    changed_since text, pending text not null, total integer not null, started_at text not null,
    finished_at text, message text);
insert into loads values ('ope-1', 'ope', 'outputs.csv', 'abc', '/landing/ope/abc__outputs.csv', 'loaded',
                          3, 3, 0, null, '2026-01-01T00:00:00', '2026-01-01T00:00:01');
insert into loads values ('ope-2', 'ope', 'awards.csv', 'def', '/landing/ope/def__awards.csv', 'running',
                          null, null, null, null, '2026-01-02T00:00:00', null);
"""


def test_a_ledger_of_an_earlier_version_is_migrated_keeping_every_row(tmp_path):
    path = tmp_path / "ledger.sqlite"
    with sqlite3.connect(path) as con:
        con.executescript(EARLIER_LEDGER)
    before = Ledger.reader(path).records()  # read as it is, without changing it (a read-only home)
    assert [(r.load_id, r.status, r.raw_files) for r in before] == [
        ("ope-1", "loaded", None),
        ("ope-2", "running", None),
    ]
    ledger = Ledger(path)
    records = {r.load_id: r for r in ledger.records()}
    assert records["ope-1"].status == "loaded" and records["ope-1"].landed_path == "/landing/ope/abc__outputs.csv"
    assert records["ope-2"].status == "failed" and records["ope-2"].message.startswith("interrupted")
    ledger.retract("ope-1", "retracted in a test")  # the new status is allowed after the migration
    assert ledger.settled("ope", "abc") == "retracted" and ledger.retracted() == ["ope-1"]


def test_files_checked_in_many_small_batches_load_as_in_one(tmp_path, monkeypatch):
    """A batch is flushed once its parsed rows reach BATCH_ROWS: with a tiny batch every file is checked and
    finished on its own, and each file's outcome, in order, and the raw rows are those of one batch."""
    from ingestion import loader

    inbox = tmp_path / "drop"
    inbox.mkdir()
    for number in range(1, 6):
        _poll_file(inbox / f"round{number:02}.csv", round_number=number)
    _poll_file(inbox / "round06.csv", round_number=6, cells=["20", "45", "15", "10", "8", "9"])  # sums to 107
    _poll_file(inbox / "round07.csv", round_number=1)  # the same content as round01: skipped

    def outcomes(home):
        paths = get_paths(home)
        results = ingest("polls", [inbox], paths)
        files = [str(p) for p in (paths.raw / "polls" / "answers").glob("polls-*.parquet")]
        with duckdb.connect() as con:
            rows = con.execute("select count(*) from read_parquet(?)", [files]).fetchone()[0]
        return [(r.file, r.status, r.rows_read, r.rows_accepted, r.rows_rejected) for r in results], rows

    whole = outcomes(tmp_path / "one-batch")
    monkeypatch.setattr(loader, "BATCH_ROWS", 7)  # a poll file holds 6 rows: a flush after every second file
    assert outcomes(tmp_path / "small-batches") == whole
    assert [status for _, status, *_ in whole[0]] == ["loaded"] * 5 + ["rejected", "skipped"]
    assert whole[1] == 30
