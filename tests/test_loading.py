"""Land and load: raw Parquet with lineage, the ledger, quarantine and idempotent reloads."""

from __future__ import annotations

import duckdb

from ingestion.landing import safe_name
from ingestion.ledger import Ledger
from ingestion.loader import ingest
from ingestion.settings import get_paths


def _poll_file(path, percent="20"):
    path.write_text(
        "Round,Fieldwork start,Fieldwork end,Base,Question code,Question,Answer,Percent\n"
        f"1,2012-09-07,2012-09-10,1000,council_satisfaction,Q,Very satisfied,{percent}\n"
        "1,2012-09-07,2012-09-10,1000,council_satisfaction,Q,Fairly satisfied,oops\n",
        encoding="utf-8")
    return path


def test_load_writes_raw_with_lineage_quarantine_and_ledger(tmp_path):
    paths = get_paths(tmp_path / "home")
    source_file = _poll_file(tmp_path / "round1.csv")
    [result] = ingest("polls", [source_file], paths)
    assert (result.status, result.rows_read, result.rows_accepted, result.rows_rejected) == ("loaded", 2, 1, 1)

    [raw_file] = (paths.raw / "polls" / "answers").glob("*.parquet")
    row = duckdb.execute(f"select percent, _source_row, _source_file, _load_id from '{raw_file}'").fetchone()
    assert row[0] == 20.0 and row[1] == 2 and row[2].endswith("round1.csv") and row[3].startswith("polls-")

    [quarantined] = (paths.quarantine / "polls").glob("*.csv")
    text = quarantined.read_text()
    assert "round1.csv" in text and "Percent" in text and "oops" in text

    [landed] = (paths.landing / "polls").iterdir()
    assert landed.read_bytes() == source_file.read_bytes()
    [record] = Ledger(paths.ledger).records()
    assert (record.status, record.rows_accepted, record.rows_rejected) == ("loaded", 1, 1)


def test_same_content_twice_loads_once(tmp_path):
    paths = get_paths(tmp_path / "home")
    first = _poll_file(tmp_path / "a.csv")
    second = tmp_path / "b.csv"
    second.write_bytes(first.read_bytes())
    results = ingest("polls", [first, second], paths)
    assert [r.status for r in results] == ["loaded", "skipped"]
    assert len(list((paths.raw / "polls" / "answers").glob("*.parquet"))) == 1


def test_rejected_file_stays_in_landing_and_is_recorded(tmp_path):
    paths = get_paths(tmp_path / "home")
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing,like,a,poll\n1,2,3,4\n")
    [result] = ingest("polls", [bad], paths)
    assert result.status == "rejected" and "bad.csv" in result.message and "Percent" in result.message
    assert [p.read_bytes() for p in (paths.landing / "polls").iterdir()] == [bad.read_bytes()]
    assert not (paths.raw / "polls").exists()
    assert Ledger(paths.ledger).records()[0].status == "rejected"


def test_file_names_cannot_escape_landing():
    assert safe_name("../../etc/passwd") == "passwd"
    assert "/" not in safe_name("a/b\\c d.csv")
