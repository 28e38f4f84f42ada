"""A published quarter is a record: each publish keeps the overview it stated, a revision of every value
changes the warehouse but not what was published, and the report shows both and what changed between."""

from __future__ import annotations

import json
import re
import shutil

import duckdb

from conftest import copy_home, sli

FIGURES = ["share_metrics_improving", "share_metrics_improving_lga_method", "councils_at_risk", "metrics_improving"]


def _rows(home, query: str, params: list | None = None) -> list[dict]:
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        cursor = con.execute(query, params or [])
        return [dict(zip([d[0] for d in cursor.description], row)) for row in cursor.fetchall()]


def _revise_every_value(home) -> None:
    """A republished copy of every LG Inform data file, each value moved by a different amount: later loads
    revise every value the first publish used."""
    for path in sorted((home / "inbox" / "lginform").glob("data_*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for index, row in enumerate(document["rows"]):
            for cell in row["values"]:
                if "value" in cell:
                    cell["value"] = round(cell["value"] * (0.5 + (index * 7919 % 97) / 97), 3)
                    cell["formatted"] = str(cell["value"])
        path.with_name(path.stem + "_revised.json").write_text(json.dumps(document), encoding="utf-8")


def _facts(page) -> dict[str, str]:
    return dict(re.findall(r'data-fact="([a-z_]+)" data-value="([^"]*)"', page.read_text(encoding="utf-8")))


def test_the_first_published_overview_survives_a_revision_of_every_value(tmp_path, published_home):
    home = copy_home(published_home, tmp_path / "home")
    [first_edition] = {row["build_id"] for row in _rows(home, "select build_id from mart_sector_overview_editions")}
    [quarter] = [
        row["quarter_id"]
        for row in _rows(
            home, "select max(quarter_id) as quarter_id from mart_sector_overview where quarter_end < current_date"
        )
    ]
    [before] = _rows(home, "select * from mart_sector_overview where quarter_id = ?", [quarter])

    _revise_every_value(home)
    sli(home, "refresh")
    [after] = _rows(home, "select * from mart_sector_overview where quarter_id = ?", [quarter])
    assert [before[f] for f in FIGURES] != [after[f] for f in FIGURES]  # the revision moved the figures

    editions = _rows(
        home, "select * from mart_sector_overview_editions where quarter_id = ? order by published_at", [quarter]
    )
    assert len(editions) == 2 and editions[0]["build_id"] == first_edition
    assert {f: editions[0][f] for f in FIGURES} == {f: before[f] for f in FIGURES}
    assert {f: editions[1][f] for f in FIGURES} == {f: after[f] for f in FIGURES}
    assert len(list((home / "editions").glob("*.parquet"))) == 2

    # As first published: the first figures, whatever was revised since, and the page says so.
    page = home / "reports" / f"{quarter}_as_published_{editions[0]['published_at'].date()}" / "index.html"
    assert str(page) in sli(home, "report", "--quarter", quarter, "--as-published").stdout
    shown = _facts(page)
    for figure in ("share_metrics_improving", "councils_at_risk"):
        assert float(shown[figure]) == before[figure], figure
    assert "As published on " in page.read_text(encoding="utf-8")

    # The default report: the figures of now, by reference period, and each change with the loads behind it.
    sli(home, "report", "--quarter", quarter)
    html = (home / "reports" / quarter / "index.html").read_text(encoding="utf-8")
    assert float(_facts(home / "reports" / quarter / "index.html")["councils_at_risk"]) == after["councils_at_risk"]
    assert "By reference period." in html and "First published on " in html
    changes = html.split('<table id="changes">', 1)[1].split("</table>", 1)[0]
    assert "councils flagged at risk" in changes or "basket metrics improving" in changes
    assert "_revised.json" in changes

    # A date before the first publication, or not a date, is refused with the reason; nothing is written.
    early = sli(home, "report", "--quarter", quarter, "--as-published", "2000-01-01", check=False)
    assert early.returncode == 1 and f"{quarter} was first published on {editions[0]['published_at'].date()}" in (
        early.stderr
    )
    wrong = sli(home, "report", "--quarter", quarter, "--as-published", "last week", check=False)
    assert wrong.returncode == 1 and "--as-published takes a date as YYYY-MM-DD, not 'last week'" in wrong.stderr


def test_a_full_rebuild_keeps_every_edition_and_a_lost_store_is_mended_from_the_published_file(
    tmp_path, published_home
):
    home = copy_home(published_home, tmp_path / "home")
    sli(home, "build", "--full-refresh")
    sli(home, "audit")
    sli(home, "publish")
    builds = {row["build_id"] for row in _rows(home, "select distinct build_id from mart_sector_overview_editions")}
    assert len(builds) == 2
    assert {p.stem for p in (home / "editions").glob("*.parquet")} == builds

    shutil.rmtree(home / "editions")  # e.g. a kill between the publish and the copy into the store
    sli(home, "build", "--full-refresh")
    assert {p.stem for p in (home / "editions").glob("*.parquet")} == builds


def test_a_damaged_published_file_does_not_stop_the_next_build(tmp_path, published_home):
    """Editions are copied from the published file before each build: a damaged one has none to give, and the
    build goes on from nothing, as it did before editions were kept."""
    home = copy_home(published_home, tmp_path / "home")
    published = home / "warehouse" / "sli.duckdb"
    published.write_bytes(b"not a warehouse" * 100)
    result = sli(home, "build")
    assert "building the whole warehouse" in result.stdout and "Traceback" not in result.stderr
    assert (home / "warehouse" / "candidate.duckdb").exists()
