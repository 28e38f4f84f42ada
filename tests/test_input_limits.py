"""Files within limits, read safely: a file too large, too wide, too long or a workbook that would
exhaust memory is rejected by name before (or while) it is read; the rest of its batch loads, and later
runs are unaffected. A file still being written is refused, never landed under a hash that is not its own.
The large files are made here, not kept in the corpus."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import threading
import time
import zipfile
from pathlib import Path

from conftest import sli
from core.settings import get_paths
from ingestion import loader
from ingestion.landing import sha256_of

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
GOOD_MAP = CORPUS / "shared_services" / "map_306_cover_hidden_rows_and_sheets.xlsx"
OPE_HEADER = "Measure,Value,Unit,Basis,Scope,As of date\n"
OPE_ROW = "jobs_created,{n},jobs,achieved,programme,2024-03-31\n"


def _statuses(home: Path) -> dict[str, tuple[str, int | None, str]]:
    with sqlite3.connect(home / "ledger.sqlite") as con:
        return {
            name: (status, rejected, message or "")
            for name, status, rejected, message in con.execute(
                "select file_name, status, rows_rejected, message from loads order by started_at"
            )
        }


def test_a_workbook_that_would_exhaust_memory_rejects_itself_only_and_later_runs_are_unaffected(tmp_path):
    home = tmp_path / "home"
    inbox = home / "inbox" / "shared_services"
    inbox.mkdir(parents=True)
    for name in ("map_307_far_cell.xlsx", "map_308_far_cell_without_dimension.xlsx"):
        shutil.copyfile(CORPUS / "shared_services" / name, inbox / name)
    shutil.copyfile(GOOD_MAP, inbox / "good.xlsx")

    for good in ("loaded   shared_services/good.xlsx: 2 rows", "skipped  shared_services/good.xlsx: already loaded"):
        # The bad workbooks stay in the inbox: the next run is not taken down by them either.
        result = sli(home, "ingest", "shared_services", check=False)
        out = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in out, out
        assert good in out, out
        assert "declares 1,048,576 rows x 16,384 columns" in out
        assert "map_308_far_cell_without_dimension.xlsx: the workbook reader stopped (SIGABRT)" in out
    assert _statuses(home)["good.xlsx"][0] == "loaded"


def test_a_zip_bomb_workbook_is_refused_before_it_is_inflated(tmp_path):
    bomb = tmp_path / "inbox" / "shared_services" / "bomb.xlsx"
    bomb.parent.mkdir(parents=True)
    shutil.copyfile(GOOD_MAP, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/padding.bin", bytes(64 * 2**20))  # 64 MB of zeros: about 64 KB zipped
    assert bomb.stat().st_size < 2**20
    result = sli(tmp_path, "ingest", "shared_services", check=False, env={"SLI_MAX_INFLATED_MB": "32"})
    assert result.returncode == 1
    assert "the workbook inflates to 64 MB, over the 32 MB allowed (SLI_MAX_INFLATED_MB)" in result.stdout


def test_a_million_columns_are_refused_at_the_row_that_has_them(tmp_path):
    wide = tmp_path / "inbox" / "ope" / "wide.csv"
    wide.parent.mkdir(parents=True)
    wide.write_text(OPE_HEADER.strip() + ",x" * 1_000_000 + "\n" + OPE_ROW.format(n=1))
    started = time.perf_counter()
    result = sli(tmp_path, "ingest", "ope", check=False)
    assert result.returncode == 1
    assert "row 1: 1,000,006 columns, over the 1,000 a row may have (SLI_MAX_COLUMNS)" in result.stdout
    assert time.perf_counter() - started < 60  # not a timing target: a guard against reading it whole


def test_files_over_the_size_or_row_limit_are_refused_and_stay_untouched(tmp_path):
    inbox = tmp_path / "inbox" / "ope"
    inbox.mkdir(parents=True)
    (inbox / "large.csv").write_text(OPE_HEADER + OPE_ROW.format(n=1) * 40_000)  # about 2 MB
    (inbox / "long.csv").write_text(OPE_HEADER + "".join(OPE_ROW.format(n=n) for n in range(150)))
    (inbox / "fine.csv").write_text(OPE_HEADER + OPE_ROW.format(n=1))
    before = sha256_of(inbox / "large.csv")
    result = sli(tmp_path, "ingest", "ope", check=False, env={"SLI_MAX_FILE_MB": "1", "SLI_MAX_ROWS": "100"})
    out = result.stdout
    assert result.returncode == 1
    assert "large.csv: 1.9 MB, over the 1 MB a file may have (SLI_MAX_FILE_MB); not copied into landing" in out
    assert "long.csv, row 101: over 100 rows, the most a file may have (SLI_MAX_ROWS)" in out
    assert "loaded   ope/fine.csv: 1 rows" in out
    assert sha256_of(inbox / "large.csv") == before
    assert not any("large" in p.name for p in (tmp_path / "landing" / "ope").iterdir())


def test_a_quarantine_file_lists_up_to_its_limit_and_counts_the_rest(tmp_path):
    inbox = tmp_path / "inbox" / "ope"
    inbox.mkdir(parents=True)
    (inbox / "bad.csv").write_text(OPE_HEADER + OPE_ROW.format(n=1) + OPE_ROW.format(n="lots") * 50)
    sli(tmp_path, "ingest", "ope", env={"SLI_MAX_QUARANTINE_ROWS": "5"})
    status, rejected, _ = _statuses(tmp_path)["bad.csv"]
    assert (status, rejected) == ("loaded", 50)
    (quarantine,) = (tmp_path / "quarantine" / "ope").glob("*.csv")
    rows = list(csv.reader(quarantine.open(encoding="utf-8")))
    assert len(rows) == 1 + 1 + 5
    assert rows[1][3].startswith("45 more row(s) quarantined and not listed here")
    assert [row[1] for row in rows[2:]] == ["3", "4", "5", "6", "7"]


def test_a_file_still_being_written_is_refused_then_loads_once_complete(tmp_path):
    paths = get_paths(tmp_path)
    growing = paths.source_inbox("ope") / "growing.csv"
    growing.parent.mkdir(parents=True)
    growing.write_text(OPE_HEADER + OPE_ROW.format(n=1) * 200_000)
    stop = threading.Event()

    def keep_writing() -> None:  # as a slow copy or download would
        with growing.open("a") as handle:
            while not stop.is_set():
                handle.write(OPE_ROW.format(n=2))
                handle.flush()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        (result,) = loader.ingest("ope", [growing.parent], paths)
    finally:
        stop.set()
        writer.join()
    assert result.status == "rejected" and "still being written" in result.message, result
    # Nothing was kept under a hash that is not its content's.
    for landed in (paths.landing / "ope").glob("*"):
        assert landed.name.startswith(sha256_of(landed)[:16])
    (again,) = loader.ingest("ope", [growing.parent], paths)
    assert again.status == "loaded"
    assert again.rows_read == len(growing.read_text().splitlines()) - 1


def test_every_limit_is_documented_with_its_default():
    from ingestion.limits import ENV, Limits

    documented = (Path(__file__).resolve().parent.parent / "docs" / "operations.md").read_text(encoding="utf-8")
    for name, variable in ENV.items():
        default = getattr(Limits(), name)
        assert f"| `{variable}` | {int(default):,} |" in documented, variable
