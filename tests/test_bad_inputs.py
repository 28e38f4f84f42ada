"""The bad-input corpus (tests/bad_inputs): every malformed or hostile file gets its expected outcome,
nothing crashes, nothing is lost, and the published warehouse does not change."""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
from pathlib import Path

from conftest import copy_home, sli
from ingestion.landing import sha256_of

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED = list(csv.DictReader((CORPUS / "expected.csv").open(encoding="utf-8")))
FORMULA_START = ("=", "+", "-", "@")


def test_the_corpus_covers_every_source_with_at_least_25_files():
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*") if p.is_file()}
    assert on_disk == {row["file"] for row in EXPECTED} and len(EXPECTED) >= 25
    assert {row["file"].split("/")[0] for row in EXPECTED} == {"lginform", "polls", "shared_services", "ope"}


def test_every_bad_input_gets_its_expected_outcome(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    before = sha256_of(published)
    for row in EXPECTED:
        target = home / "inbox" / row["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / row["file"], target)

    result = sli(home, "refresh", check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "file(s) rejected, warehouse not rebuilt" in result.stderr
    assert sha256_of(published) == before  # the refresh stopped before the build

    with sqlite3.connect(home / "ledger.sqlite") as con:
        loads = {
            (source, name): (load_id, status, rejected, message or "", landed)
            for load_id, source, name, status, rejected, message, landed in con.execute(
                "select load_id, source, file_name, status, rows_rejected, message, landed_path from loads"
            )
        }
    for row in EXPECTED:
        source, name = row["file"].split("/", 1)
        load_id, status, rejected, message, landed = loads[(source, name)]
        assert status == row["outcome"], (row["file"], message)
        assert row["message"] in message, (row["file"], message)
        assert (rejected or 0) == int(row["quarantined"]) or status == "rejected", (row["file"], rejected)
        # Nothing is lost: the file is kept in landing exactly as received, under a name that stays there.
        assert Path(landed).parent == home / "landing" / source and sha256_of(Path(landed)) == sha256_of(
            CORPUS / row["file"]
        )
        if status == "loaded" and int(row["quarantined"]):
            with (home / "quarantine" / source / f"{load_id}.csv").open(encoding="utf-8") as handle:
                cells = list(csv.reader(handle))
            assert len(cells) - 1 == int(row["quarantined"])
            # People open quarantine files in spreadsheets: formula-looking text is neutralised.
            assert not any(cell.startswith(FORMULA_START) for line in cells for cell in line), row["file"]


def test_symbolic_links_and_special_files_in_the_inbox_are_refused_by_name(tmp_path):
    home, outside = tmp_path / "home", tmp_path / "outside"
    inbox = home / "inbox" / "ope"
    inbox.mkdir(parents=True)
    outside.mkdir()
    private = outside / "private.csv"
    shutil.copyfile(CORPUS / "ope" / "ope_402_month_first_date.csv", private)
    (inbox / "link.csv").symlink_to(private)
    (inbox / "linked_folder.csv").symlink_to(outside, target_is_directory=True)
    os.mkfifo(inbox / "pipe.csv")  # reading it would wait for ever
    shutil.copyfile(CORPUS / "ope" / "ope_401_wrong_types.csv", inbox / "good.csv")

    result = sli(home, "ingest", "ope", check=False)
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in out
    assert "rejected ope/link.csv: file link.csv: a symbolic link: refused" in out
    assert "rejected ope/linked_folder.csv: file linked_folder.csv: a symbolic link: refused" in out
    assert "rejected ope/pipe.csv: file pipe.csv: not a regular file" in out
    assert "loaded   ope/good.csv" in out
    landed = [p.name for p in (home / "landing" / "ope").iterdir()]
    assert len(landed) == 1 and landed[0].endswith("good.csv")
    assert sorted(p.name for p in inbox.iterdir()) == ["good.csv", "link.csv", "linked_folder.csv", "pipe.csv"]
