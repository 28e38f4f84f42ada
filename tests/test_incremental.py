"""Incremental builds: a build on a copy of the published warehouse redoes only what later loads
touched, and gives exactly the marts a build from nothing gives."""

from __future__ import annotations

import csv
import json

import duckdb

from conftest import assert_same_marts, mart_frames, sli

SCALE = ["--metrics", "4", "--quarterly", "--lginform-format", "csv"]


def _revise_one_value(inbox, out) -> tuple[str, str]:
    """A re-issued download of S9002 for one older quarter, with one council's value changed."""
    rows = list(csv.reader((inbox / "data_metricType-S9002.csv").open(encoding="utf-8")))
    column = rows[0].index("2022/23 Q2")  # downloads label their period columns
    council = next(r for r in rows[2:] if r[column] not in ("", "-", "[c]"))
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerows([r[:3] + [r[column]] for r in rows[:2]])
        writer.writerow(council[:3] + ["999.5"])
    return council[0], "q2_2022_23"


def test_an_incremental_build_equals_a_full_build(tmp_path):
    home, later = tmp_path / "home", tmp_path / "later"
    sli(home, "sample", *SCALE, "--first-year", "2022", "--last-year", "2023")
    sli(home, "refresh")
    sli(
        later,
        "sample",
        *SCALE,
        "--only",
        "lginform",
        "--first-year",
        "2024",
        "--last-year",
        "2024",
        "--last-quarter",
        "1",
    )
    council, period = _revise_one_value(
        home / "inbox" / "lginform", later / "inbox" / "lginform" / "data_metricType-S9002_revised.csv"
    )
    sli(home, "ingest", "lginform", str(later / "inbox" / "lginform"))

    built = sli(home, "build")
    assert "building incrementally on a copy of the published warehouse" in built.stdout
    candidate = home / "warehouse" / "candidate.duckdb"
    with duckdb.connect(str(candidate), read_only=True) as con:
        # Rows the earlier build wrote are kept as they were; this build redid only the new keys.
        builds = dict(
            con.execute(
                "select build_id, count(*) from intermediate.int_council_metrics__revisions group by all"
            ).fetchall()
        )
        assert len(builds) == 2 and min(builds.values()) < max(builds.values()) / 4
        assert con.execute(
            "select value from fct_council_metric_values where council_code = ? and"
            " metric_id = 'S9002' and period_id = ?",
            [council, period],
        ).fetchone() == (999.5,)
        assert con.execute("select max(period_id) from fct_council_benchmarks").fetchone() == ("q4_2023_24",)
        assert (
            con.execute("select count(*) from fct_council_benchmarks where period_id = 'q1_2024_25'").fetchone()[0] > 0
        )
    incremental = mart_frames(candidate)

    rebuilt = sli(home, "build", "--full-refresh")
    assert "building the whole warehouse (--full-refresh)" in rebuilt.stdout
    assert_same_marts(mart_frames(candidate), incremental)


def test_a_change_to_the_project_or_metric_metadata_builds_everything(tmp_path):
    home = tmp_path / "home"
    sli(home, "sample", *SCALE, "--first-year", "2023", "--last-year", "2023")
    sli(home, "refresh")
    assert "building incrementally" in sli(home, "build").stdout
    listing = home / "inbox" / "lginform" / "metricTypes.json"
    document = json.loads(listing.read_text(encoding="utf-8"))
    document["metricType-array"][0]["polarity"] = "Low value is good"  # re-ranks every period of that metric
    (tmp_path / "metricTypes_revised.json").write_text(json.dumps(document), encoding="utf-8")
    sli(home, "ingest", "lginform", str(tmp_path / "metricTypes_revised.json"))
    assert "building the whole warehouse: the project or the metric metadata changed" in sli(home, "build").stdout
