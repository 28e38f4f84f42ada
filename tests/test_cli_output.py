"""What `sli refresh` tells people: a line per stage with counts and times, per-file lines and dbt's output
only with -v, and dbt's whole log always in a file."""

from __future__ import annotations

import re

from conftest import sli
from ingestion.sources import SOURCES

STAGES = ["ingest"] * len(SOURCES) + ["build", "audit", "publish", "report"]


def test_refresh_prints_a_line_per_stage_and_details_only_when_asked(fresh_home):
    files = sum(1 for source in SOURCES for path in (fresh_home / "inbox" / source).iterdir() if path.is_file())
    assert files > len(SOURCES)  # every source has files in the sample
    first = sli(fresh_home, "refresh").stdout
    lines = first.splitlines()
    summaries = [line for line in lines if re.match(r"^(ingest|build|audit|publish|report) .*\(\d+\.\ds\)$", line)]
    assert [line.split()[0] for line in summaries] == STAGES
    assert re.search(r"^ingest   polls: 46 file\(s\): 46 loaded; 3,672 rows, 0 quarantined \(", first, re.M)
    assert re.search(r"^build    (\d+) of \1 dbt nodes \(.*\d+ ok.*\); dbt's log: .*dbt\.log \(", first, re.M)
    assert "START" not in first and "loaded   " not in first  # neither dbt's lines nor a line per file
    assert len(lines) < 40  # progress at each quarter of a long stage, not a line per step
    assert (fresh_home / "dbt" / "logs" / "dbt.log").stat().st_size > 10_000  # dbt's whole log, always
    assert re.search(rf"^refresh finished in \d+\.\ds: {files} file\(s\): {files} loaded;", first, re.M)

    again = sli(fresh_home, "refresh", "-v").stdout
    assert again.count("skipped  ") == files  # -v: every file's line (all already loaded)
    assert "the published warehouse is up to date" in again

    outputs = fresh_home / "inbox" / "ope" / "one_public_estate_outputs.csv"
    lines = outputs.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[1] = str(int(cells[1]) + 1)  # a revised figure: new content, so a new load and a build
    (outputs.parent / "one_public_estate_outputs_revised.csv").write_text(
        "\n".join([*lines[:3], ",".join(cells), *lines[4:]]) + "\n", encoding="utf-8"
    )
    verbose = sli(fresh_home, "refresh", "-v").stdout
    assert "loaded   ope/one_public_estate_outputs_revised.csv" in verbose and " START " in verbose
