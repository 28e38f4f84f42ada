"""The sector overview as people read it: rendered in headless Chromium, offline, with every chart
drawn and every key fact equal to the marts; and the exports analysts open in Excel."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import REPO, sli
from ingestion.sources import SOURCES
from reporting import charts, queries
from reporting.export import WORKBOOK_SHEETS
from reporting.report import SUITE_NAMES, project_vars

# Screenshots are kept as test artefacts (ignored by git), where CI can collect them.
ARTEFACTS = Path(os.environ.get("SLI_TEST_ARTIFACTS", REPO / "test-artifacts"))
CHARTS = ["chart-trend", "chart-direction", "chart-distribution", "chart-savings"]


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed here when missing; skipped only where it cannot be installed."""
    found = shutil.which("chromium")
    if not found and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "chromium"], capture_output=True, timeout=900
        )
        found = shutil.which("chromium")
    if not found:
        pytest.skip("Debian's chromium is not installed and cannot be installed here (needs root and apt-get)")
    return found


def _open(chromium: str, page: Path, screenshot: Path | None = None, fragment: str = "") -> tuple[str, list[str]]:
    """The page's DOM after its scripts ran (opened at #FRAGMENT, if given), and every console message it logged."""
    flags = [
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=20000",
        "--window-size=1280,2400",
    ]
    address = page.as_uri() + (f"#{fragment}" if fragment else "")
    run = subprocess.run([*flags, "--dump-dom", address], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [*flags, f"--screenshot={screenshot}", page.as_uri()], capture_output=True, timeout=180, check=True
        )
        assert screenshot.stat().st_size > 10_000
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return run.stdout, console


def _chart_drawn(dom: str, chart_id: str) -> bool:
    start = dom.index(f'id="{chart_id}"')
    section = dom[start : start + 400_000]
    return 'class="main-svg"' in section and re.search(r"<path[^>]+d=\"M", section) is not None


@pytest.fixture(scope="module")
def report_home(tmp_path_factory, published_home) -> Path:
    home = tmp_path_factory.mktemp("report") / "home"
    shutil.copytree(published_home, home)
    return home


def test_the_overview_renders_offline_with_every_chart_and_the_marts_key_facts(chromium, report_home):
    [page] = report_home.glob("reports/*/index.html")
    html = page.read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href)=["']https?:""", html)  # nothing fetched from the network
    assert str(report_home) not in html  # no folder of the machine that wrote it
    docs = re.search(r'<a href="([^"]+)">Data Docs</a>', html).group(1)  # linked relatively, and there
    assert not docs.startswith("/") and (page.parent / docs).resolve() == report_home / "quality/data_docs/index.html"
    suites = sorted(p.stem for p in (report_home / "quality" / "latest").glob("*.json"))
    table = html.split('<table id="quality">', 1)[1].split("</table>", 1)[0]
    # Each suite in the reader's words, with when it ran as people write it.
    assert re.findall(r"<tr><td>([^<]+)</td><td>(pass|warn|fail)</td>", unescape(table)) == [
        (SUITE_NAMES[s], "pass") for s in suites
    ]
    assert re.search(r"<td>\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC</td></tr>", table)
    dom, console = _open(chromium, page, ARTEFACTS / "overview.png")
    assert console == [], console
    assert all(_chart_drawn(dom, chart) for chart in CHARTS)
    assert 'id="synthetic"' in dom
    # Each chart's figures as a table beside it, for readers who cannot see the chart.
    for table in ("figures-trend", "figures-direction", "figures-distribution", "figures-savings"):
        assert re.search(rf'<table id="{table}"><tr><th>[^<]+</th>.*?</tr>\s*<tr><td>', html, re.S), table

    facts = dict(re.findall(r'data-fact="([a-z_]+)" data-value="([^"]*)"', dom))
    with duckdb.connect(str(report_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        # The report shows the latest completed quarter, not the one still running.
        cursor = con.execute(
            "select * from mart_sector_overview where quarter_end < current_date order by quarter_start desc limit 1"
        )
        latest = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    assert len(facts) == 11
    # The key facts in sentences: every number the mart's row for the quarter.
    summary = unescape(" ".join(re.findall(r"<p>([^<]*)</p>", dom.split('id="summary"', 1)[1].split("</div>", 1)[0])))
    assert (
        f"In poll round {latest['poll_round_number']}, {latest['pct_satisfied_council']:.0f}% of residents" in summary
    )
    change = latest["council_change_pp"]
    assert f"{'up' if change > 0 else 'down'} {abs(change):.1f} points on round" in summary, summary
    assert f"round {latest['council_previous_round_number']}: " in summary, summary
    assert (
        f"Of the {latest['metrics_with_polarity']} basket metrics compared with the baseline,"
        f" {latest['metrics_improving']} ({latest['share_metrics_improving']:.0%}) were improving" in summary
    ), summary
    assert (
        f"{latest['metrics_improving_lga_method']} of {latest['metrics_compared_lga_method']}"
        f" ({latest['share_metrics_improving_lga_method']:.0%}) by the LGA's method" in summary
    ), summary
    assert f"{latest['councils_at_risk']} councils are flagged at risk." in summary, summary
    assert facts["councils_at_risk"] != ""  # the at-risk count of now shows on the completed quarter too
    for key, shown in facts.items():
        assert (float(shown) if shown else None) == pytest.approx(latest[key]), key
    assert re.search(r'data-fact="share_metrics_improving" data-value="[^"]*">\d+%<', dom)
    assert re.search(r'data-fact="share_metrics_improving_lga_method" data-value="[^"]*">\d+%<', dom)
    assert "(median method: the sector median of each metric)" in dom and "(LGA method: the mean over councils" in dom
    assert re.search(r'data-fact="council_change_pp" data-value="[^"]*">[+-]\d+\.\d points<', dom)


def test_a_council_page_groups_its_metrics_by_service_area_and_draws_any_metrics_trend(chromium, report_home):
    with duckdb.connect(str(report_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        code, name, metrics, areas = con.execute("""
            select c.council_code, c.council_name, count(distinct b.metric_id), count(distinct m.service_area)
            from mart_councils_at_risk c join fct_council_benchmarks b using (council_code)
            join dim_metric m using (metric_id)
            where b.comparator_group = 'council_type' and b.value is not null and m.in_basket
            group by all order by 1 limit 1""").fetchone()
        [(other, other_label)] = con.execute(  # its last basket metric: not the one its page opens on
            "select metric_id, metric_label from fct_council_metric_trend join dim_metric using (metric_id)"
            " where in_basket and council_code = ? order by metric_id desc limit 1",
            [code],
        ).fetchall()
    [page] = report_home.glob(f"reports/*/councils/{code}.html")
    dom, console = _open(chromium, page, ARTEFACTS / "council.png")
    assert console == [] and _chart_drawn(dom, "trend-chart")
    assert "England median" in dom and "England interquartile range" in dom  # the trend's legend, as drawn
    assert "nearest neighbours' median" in dom  # the neighbours' line is drawn too
    summary = dom.split('id="summary"', 1)[1].split("</div>", 1)[0]
    assert f"{name} was in the bottom quartile of" in summary and "synthetic sample data" in summary
    neighbours = re.findall(r'<a href="(E\d{8})\.html">', dom.split('id="neighbours"', 1)[1].split("</p>", 1)[0])
    assert len(neighbours) == 15 and code not in neighbours
    assert all((page.parent / f"{n}.html").exists() for n in neighbours)  # each links to its own page
    ranks = re.findall(r'<td class="num">(\d+) of (\d+)</td>', dom)  # rank among neighbours, per metric
    assert ranks and all(1 <= int(rank) <= int(of) <= 16 for rank, of in ranks)
    # A row per benchmarked basket metric, under a heading per service area, each with its position marker.
    assert name in dom and dom.count('<tr class="metric">') == metrics == dom.count('<svg class="marker"')
    assert len(re.findall(r'<h3 id="area-\d+">', dom)) == areas
    # Each marker sets the council against England's spread and its own type's, and says so in words.
    labels = re.findall(r'<svg class="marker"[^>]*aria-label="([^"]+)"', dom)
    assert len(labels) == metrics and any(re.search(r"among \w[\w ]* councils and \d in England", x) for x in labels)
    assert (
        "middle half (lower to upper quartile)</th>" in dom and "councils</th>" in dom
    )  # what a quartile is read against
    assert not re.search(r"<td>(fin|q[1-4]|cal|acad|m\d\d)_\d{4}", dom)  # periods as labels (2024/25), not ids
    assert str(report_home) not in page.read_text(encoding="utf-8")
    assert len(list(page.parent.glob("*.html"))) == 317  # a page per current council
    # The metric picker: a metric named in the page's address opens its trend, with its text alternative.
    picked, console = _open(chromium, page, fragment=f"metric={other}")
    assert console == [] and _chart_drawn(picked, "trend-chart")
    caption = picked.split('id="trend-caption"', 1)[1].split("</p>", 1)[0]
    assert caption.startswith(f">{other_label}") and f"{name} " in caption and "England median" in caption


def test_export_writes_every_mart_and_a_workbook_equal_to_the_marts(report_home):
    out = sli(report_home, "export").stdout
    [folder] = report_home.glob("exports/*/")
    assert str(folder) in out
    with duckdb.connect(str(report_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"
            ).fetchall()
        ]
        counts = {mart: con.execute(f"select count(*) from {mart}").fetchone()[0] for mart in marts}
        overview = con.execute("select * from mart_sector_overview order by quarter_start").df()
        at_risk = con.execute("select * from mart_councils_at_risk").df()
    # Every mart model (tables, and the views fct_council_metric_quartile_years and _trend), each exported.
    assert sorted(marts) == sorted(path.stem for path in (REPO / "dbt_project" / "models" / "marts").rglob("*.sql"))
    for mart, rows in counts.items():
        assert duckdb.execute(f"select count(*) from '{folder}/parquet/{mart}.parquet'").fetchone()[0] == rows
        assert duckdb.execute(f"select count(*) from read_csv('{folder}/csv/{mart}.csv')").fetchone()[0] == rows

    [workbook] = folder.glob("*.xlsx")
    sheets = pd.read_excel(workbook, sheet_name=None, engine="calamine")
    assert list(sheets) == ["Notes", *WORKBOOK_SHEETS]
    notes = sheets["Notes"]
    assert set(notes["kind"]) >= {"About", "Sheet", "Source"} and "SYNTHETIC" in notes["definition"].iloc[0]
    assert set(notes.loc[notes["kind"] == "Source", "name"]) == set(SOURCES)
    for column in (
        "pct_satisfied_council",
        "share_metrics_improving",
        "shared_services_savings_gbp",
        "ope_capital_receipts_gbp",
    ):
        pd.testing.assert_series_equal(
            sheets["Overview"][column].astype(float), overview[column].astype(float), check_names=False
        )
    assert sheets["Councils at risk"]["is_at_risk"].sum() == at_risk["is_at_risk"].sum()


def test_the_readme_example_queries_run_on_the_published_warehouse(published_home):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Five oversight questions", 1)[1].split("\n### ", 1)[0]
    queries = re.findall(r"```sql\n(.*?)```", section, re.DOTALL)
    assert len(queries) == 5
    for query in queries:
        rows = sli(published_home, "sql", query, "--format", "csv").stdout.splitlines()
        assert len(rows) > 1, query  # a header and at least one answer


def test_the_savings_chart_keeps_every_colour_distinct_and_colour_blind_safe():
    categories = [f"category {n:02d}" for n in range(15)]
    savings = pd.DataFrame(
        [
            {"region_name": region, "service_category": category, "partnerships": 1, "savings_gbp": 1e6 * (15 - n)}
            for n, category in enumerate(categories)
            for region in ("North East", "London")
        ]
    )
    spec = charts.savings_by_region(savings)
    names = [trace["name"] for trace in spec["data"]]
    colours = [trace["marker"]["color"] for trace in spec["data"]]
    assert names == categories[:7] + ["Other (8 categories)"]
    assert len(set(colours)) == len(colours) == 8 and set(colours) <= set(charts.SAFE_PALETTE)
    other = spec["data"][-1]
    assert sum(other["y"]) == pytest.approx(sum(2 * (15 - n) for n in range(7, 15)))  # £m, nothing dropped


@pytest.fixture(scope="module")
def outcomes_home(tmp_path_factory) -> Path:
    """A sample with the first 34 basket metrics: enough for every outcome in the seed to have data (the
    session's small sample holds 6, none of them tagged)."""
    home = tmp_path_factory.mktemp("outcomes") / "home"
    sli(home, "sample", "--metrics", "34")
    sli(home, "refresh")
    return home


def test_the_outcomes_page_renders_offline_with_each_outcome_and_its_metrics(chromium, outcomes_home):
    [page] = outcomes_home.glob("reports/*/outcomes.html")
    [overview] = outcomes_home.glob("reports/*/index.html")
    assert 'href="outcomes.html"' in overview.read_text(encoding="utf-8")  # linked from the overview
    dom, console = _open(chromium, page, ARTEFACTS / "outcomes.png")
    assert console == [] and _chart_drawn(dom, "chart-outcomes")
    with duckdb.connect(str(outcomes_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        summary = con.execute(
            "select outcome_id, metrics_tagged, metrics_compared from mart_outcome_direction_of_travel"
        ).fetchall()
        tagged = dict(con.execute("select outcome_id, count(*) from dim_metric_outcome group by 1").fetchall())
    assert len(summary) == 6 and all(tagged[outcome] == metrics for outcome, metrics, _ in summary)
    assert all(compared >= 1 for _, _, compared in summary)  # each outcome has metrics with a direction
    sections = dom.split('<table class="outcome-metrics">')[1:]
    assert len(sections) == len(summary)  # every outcome has its table of tagged metrics
    assert sum(section.split("</table>", 1)[0].count("<tr>") - 1 for section in sections) == sum(tagged.values())
    assert re.search(r"<td>\d{4}/\d{2}</td><td class=\"num\">[\d,.]+</td>", dom)  # baseline periods and values
    assert "nan" not in re.sub(r"<[^>]+>", " ", dom).split()  # no missing value printed as nan


def test_every_report_view_has_data_on_the_sample(report_home):
    """The sample exercises what the report is for: councils flagged by each rule, a share improving that
    moves from year to year, a trend and neighbours on every council page, and savings to chart."""
    with duckdb.connect(str(report_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        [(by_quartile, by_worsening, councils)] = con.execute(
            "select count(*) filter (where is_flagged_bottom_quartile), count(*) filter (where is_flagged_worsening),"
            " count(*) from mart_councils_at_risk"
        ).fetchall()
        shares = [
            row[0]
            for row in con.execute(
                "select share_metrics_improving from mart_sector_overview"
                " where quarter_id like '%-Q1' and share_metrics_improving is not null"
            ).fetchall()
        ]
        directions = {row[0] for row in con.execute("select direction from mart_metric_direction_of_travel").fetchall()}
        outside = con.execute(
            "select count(*) from fct_council_metric_values v join dim_metric m using (metric_id)"
            " where m.unit = 'percent' and v.value > 100"
        ).fetchall()[0][0]
        savings = con.execute("select count(*) from mart_shared_services_savings where savings_gbp > 0").fetchall()
        trend = con.execute("select count(distinct council_code) from fct_council_metric_trend").fetchall()[0][0]
        neighbours = con.execute("select count(distinct council_code) from dim_council_nearest_neighbours").fetchall()
    assert 0 < by_quartile < councils / 4 and 0 < by_worsening < councils / 4  # some, not most
    assert max(shares) - min(shares) > 0.1 and len(set(shares)) >= 3  # the headline moves (of 8 metrics here)
    assert {"improving", "worsening", "no_change", "increasing", "decreasing"} <= directions
    assert outside == 0  # a share stays a share (a change or a gap in percent may be negative)
    assert savings[0][0] > 0 and neighbours[0][0] == 317 and trend >= 317
    pages = list(report_home.glob("reports/*/councils/*.html"))
    assert all('id="trend-chart"' in page.read_text(encoding="utf-8") for page in pages)


def test_the_report_shows_the_latest_completed_quarter_unless_asked_for_the_one_to_date(tmp_path, report_home):
    with duckdb.connect(str(report_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        [(completed,)] = con.execute(
            "select max(quarter_id) from mart_sector_overview where quarter_end < current_date"
        ).fetchall()
        [(running,)] = con.execute("select max(quarter_id) from mart_sector_overview").fetchall()
    assert completed < running  # the sample's polls reach into the current quarter
    sli(report_home, "report", "--out", str(tmp_path / "default"))
    sli(report_home, "report", "--to-date", "--out", str(tmp_path / "to-date"))
    default = (tmp_path / "default" / "index.html").read_text(encoding="utf-8")
    to_date = (tmp_path / "to-date" / "index.html").read_text(encoding="utf-8")
    assert f"<title>Sector overview {completed}<" in default
    assert f"<title>Sector overview {running}<" in to_date
    # A quarter still running says so; the ended one does not.
    assert "Provisional: this quarter has not ended." in to_date and "Provisional" not in default
    # The export defaults to the same quarter as the report.
    sli(report_home, "export", "--out", str(tmp_path / "export"))
    assert [p.name for p in (tmp_path / "export").glob("*.xlsx")] == [f"sli_overview_{completed}.xlsx"]


def test_values_are_shown_to_the_metrics_published_precision():
    """The published precision when the metadata gives one; else three significant figures, so that values
    such as proportions stay apart (0.40 and 0.44 are not both "0.4")."""
    with duckdb.connect() as con:
        rows = con.execute(
            f"select {queries.shown('v')} from (values (1234.5678, 2), (1234.5678, 0), (0.4032, null), (0.44, null),"
            " (18.63, null), (449.2, null), (7.3, null), (0.0, null)) as m(v, output_precision)"
        ).fetchall()
    assert [row[0] for row in rows] == ["1,234.57", "1,235", "0.403", "0.440", "18.6", "449", "7.30", "0"]


def test_data_docs_open_offline_with_their_scripts_run(chromium, report_home):
    index = report_home / "quality" / "data_docs" / "index.html"
    for page in index.parent.rglob("*.html"):  # every asset is a local copy; only plain links go out
        assert not re.findall(r"""(?:src|href)=["']https?://(?!greatexpectations\.io)""", page.read_text()), page
    dom, console = _open(chromium, index)
    assert console == [], console
    assert 'class="bootstrap-table' in dom  # jQuery and bootstrap-table loaded and ran: the table is theirs now


def test_a_neighbour_list_without_ranks_is_not_called_most_similar_first(tmp_path, published_home):
    """The public mapping (`NN.json`) gives groups in code order: a page must not claim an order of similarity."""
    from conftest import copy_home

    home = copy_home(published_home, tmp_path / "home")
    loaded = sli(home, "ingest", "council-metrics", str(REPO / "tests" / "fixtures" / "lginform" / "NN.json"))
    assert "loaded   lginform/NN.json: 31 rows" in loaded.stdout
    assert "warning: 3 code(s) of areas that are not councils skipped" in loaded.stdout
    assert (
        "warning: 2 council(s) listed with no neighbour but themselves, kept with none: E06000053, E09000001"
        in loaded.stdout
    )
    sli(home, "refresh")
    [folder] = [p.parent for p in (home / "reports").glob("*/index.html")]
    unranked = (folder / "councils" / "E06000001.html").read_text(encoding="utf-8")
    assert "14 councils, in alphabetical order: the list gives no ranking" in unranked
    ranked = (folder / "councils" / "E06000003.html").read_text(encoding="utf-8")
    assert "most similar first" in ranked  # the sample's list, which ranks them


def test_a_csv_map_edition_with_a_publication_date_counts_from_it(tmp_path, published_home):
    """A Shared Services Map edition as CSV, dated by its `Published:` row: the overview's quarters take it
    from that date, not from 1 April of its year, and the page says which."""
    import csv

    from conftest import copy_home

    home = copy_home(published_home, tmp_path / "home")
    edition = home / "inbox" / "shared_services" / "shared_services_map_2020.csv"
    with edition.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["Shared Services Map, 2020 edition (SYNTHETIC)"],
                ["Published: 12 March 2021"],
                [],
                ["Partnership name", "Councils involved", "Savings to date (£)", "Region", "Savings basis"],
                ["Joint waste service", "E07000223; E07000224", "£250,000", "South East", "Actual"],
                ["Shared legal team", "E06000001", "", "North East", ""],
            ]
        )
    loaded = sli(home, "ingest", "shared-services").stdout
    assert "loaded   shared_services/shared_services_map_2020.csv: 2 rows" in loaded
    sli(home, "refresh")
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        editions = dict(
            con.execute(
                "select quarter_end, shared_services_edition from mart_sector_overview"
                " where quarter_end in ('2020-06-30', '2021-03-31')"
            ).fetchall()
        )
    assert [editions[key] for key in sorted(editions)] == [2019, 2020]  # not 2020 from April 2020
    [page] = (home / "reports").glob("*/index.html")
    text = " ".join(page.read_text(encoding="utf-8").split())
    assert "2020 edition, counted from 12 March 2021 (its publication date)" in text


def test_the_ope_funding_table_reaches_its_mart_and_the_overview(tmp_path, published_home):
    from conftest import copy_home

    home = copy_home(published_home, tmp_path / "home")
    shutil.copyfile(REPO / "tests" / "fixtures" / "ope" / "ope_funding_by_year.csv", home / "inbox" / "ope" / "f.csv")
    sli(home, "refresh")
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        [(awards, total)] = con.execute(
            "select count(*), sum(award_gbp) from fct_ope_awards where funding_round = '2016/17'"
        ).fetchall()
    assert (awards, total) == (2, 1_750_000.0)
    [page] = (home / "reports").glob("*/index.html")
    funding = page.read_text(encoding="utf-8").split('id="ope-funding"', 1)[1].split("</table>", 1)[0]
    assert "<td>2016/17</td><td>One Public Estate</td><td>2</td><td>£1,750,000</td>" in funding
    assert "<td>OPE 1</td>" in funding  # the sample's awards table, beside it


def test_every_number_in_every_councils_summary_is_the_marts(report_home):
    """Each council page's generated sentences, read back from the page, against the marts recounted here:
    the bottom-quartile counts of the latest and the year before, the service area holding most of them,
    the directions of travel, and the at-risk rule with its thresholds."""
    from collections import Counter

    variables = project_vars()
    with duckdb.connect(str(report_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        councils = {
            row["council_code"]: row for row in con.sql("select * from mart_councils_at_risk").df().to_dict("records")
        }
        positions = con.execute(
            "select q.council_code, q.assessment_year, q.is_bottom_quartile, coalesce(m.service_area, 'Other')"
            " from fct_council_metric_quartile_years q join dim_metric m using (metric_id)"
        ).fetchall()
        directions = Counter(
            con.execute(
                "select council_code, direction from mart_metric_direction_of_travel"
                " where level = 'council' and in_basket"
            ).fetchall()
        )
    years: dict[tuple, list] = {}
    for code, year, bottom, area in positions:
        years.setdefault((code, year), []).append((bottom, area))
    label = lambda year: f"{year}/{(year + 1) % 100:02d}"  # noqa: E731
    pages = list(report_home.glob("reports/*/councils/*.html"))
    for page in pages:
        code, text = page.stem, unescape(page.read_text(encoding="utf-8"))
        row = councils[code]
        summary = " ".join(re.findall(r"<p>([^<]*)</p>", text.split('id="summary"', 1)[1].split("</div>", 1)[0]))
        latest = max(year for (c, year) in years if c == code)
        counted = years[(code, latest)]
        bottom = sum(b for b, _ in counted)
        assert (bottom, len(counted)) == (row["metrics_bottom_quartile"], row["metrics_assessed"])
        first = re.search(
            r"In (\d{4}/\d{2}), (.+?) was in the bottom quartile of ([\w ]+?) councils on ([\d,]+) of the"
            r" ([\d,]+) basket metrics? it could be compared on"
            r"(?:, ([\d,]+) (more|fewer) than in (\d{4}/\d{2})|, as many as in (\d{4}/\d{2}))?\.",
            summary,
        )
        assert first and first.group(1, 2, 3) == (label(latest), row["council_name"], row["council_type"]), summary
        assert (int(first.group(4)), int(first.group(5))) == (bottom, len(counted)), summary
        before = years.get((code, latest - 1))
        if before:
            change = bottom - sum(b for b, _ in before)
            if change:
                assert (int(first.group(6)), first.group(7), first.group(8)) == (
                    abs(change),
                    "more" if change > 0 else "fewer",
                    label(latest - 1),
                ), summary
            else:
                assert first.group(9) == label(latest - 1), summary
        else:
            assert first.group(6) is None and first.group(9) is None, summary
        areas = Counter(area for b, area in counted if b).most_common()
        where = re.search(r"(\w[^.:]*) holds ([\d,]+) of those ([\d,]+): (most of them|more than any other)", summary)
        if bottom >= 2 and areas and (len(areas) == 1 or areas[0][1] > areas[1][1]):
            assert where and where.group(1, 2, 3) == (areas[0][0], str(areas[0][1]), str(bottom)), summary
            assert (where.group(4) == "most of them") == (areas[0][1] * 2 > bottom), summary
        else:
            assert where is None, summary  # too few, or a tie: no sentence rather than a guess
        travel = re.search(
            r"improved on ([\d,]+) of the ([\d,]+) metrics? with a direction of travel and worsened on ([\d,]+)\.",
            summary,
        )
        with_direction = sum(directions[(code, d)] for d in ("improving", "worsening", "no_change"))
        assert (int(travel.group(1)), int(travel.group(2)), int(travel.group(3))) == (
            directions[(code, "improving")],
            with_direction,
            directions[(code, "worsening")],
        ), summary
        share = round(variables["at_risk_bottom_quartile_share"] * 100)
        share = f"{share}% or more of at least {variables['at_risk_min_metrics']}"
        flagged = f"{bottom} of {len(counted)} basket metrics in the bottom quartile (the rule: {share})"
        assert ("It is flagged as at risk" in summary) == row["is_at_risk"], summary
        assert (flagged in summary) == row["is_flagged_bottom_quartile"], summary
        received = row["support_last_three_years"]
        support = (
            f"the LGA's record shows {received} piece{'s' if received != 1 else ''} of improvement support to it:"
            f" {row['support_received']}."
            if received
            else "No LGA improvement support to it is recorded in the three years to"
        )
        assert (support in summary) == row["is_at_risk"], summary  # said of flagged councils only
    assert len(pages) == 317


def test_the_lgas_support_on_council_pages_and_the_at_risk_table_is_the_marts(report_home):
    """Each council page's support table is its rows of the support mart, and each row of the at-risk table
    names the support of its quarter's flags, or says none is recorded."""
    [overview] = report_home.glob("reports/*/index.html")
    quarter = overview.parent.name
    with duckdb.connect(str(report_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        by_year = con.execute(
            "select council_code, financial_year, peer_challenges, corporate_peer_challenges, other_support,"
            " reports_published, support_types from fct_council_support_by_year"
            " order by council_code, financial_year_start desc"
        ).fetchall()
        flagged = dict(
            con.execute(
                "select council_code, coalesce(support_received, 'none recorded') from fct_council_at_risk_by_quarter"
                " where quarter_id = ? and is_at_risk",
                [quarter],
            ).fetchall()
        )
    expected: dict[str, list] = {}
    for code, *cells in by_year:
        expected.setdefault(code, []).append([str(cell) for cell in cells])
    for page in overview.parent.glob("councils/*.html"):
        text = unescape(page.read_text(encoding="utf-8"))
        section = text.split('id="support"', 1)[1].split("</table>", 1)[0]
        rows = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in section.split("<tr>")[2:]]
        assert rows == expected.get(page.stem, []), page.stem
        if page.stem not in expected:
            assert "lists no support to this council" in section
    assert len(expected) > 100

    table = unescape(overview.read_text(encoding="utf-8")).split('id="at-risk"', 1)[1].split("</table>", 1)[0]
    shown = {
        code: cells[-1]
        for code, cells in (
            (re.search(r"councils/(\w+)\.html", row).group(1), re.findall(r"<td[^>]*>([^<]*)</td>", row))
            for row in table.split("<tr>")[2:]
        )
    }
    assert shown == flagged and "none recorded" in shown.values() and len(set(shown.values())) > 2


def test_every_basket_metric_has_a_page_whose_sentences_are_the_marts(chromium, report_home):
    """A page per basket metric, linked from the overview: the latest period's median and middle half of
    councils, recomputed here from each council's value, the direction of travel by both methods, and the
    councils that moved quartile, recounted; the page draws its charts offline."""
    import math
    import statistics

    [folder] = [p.parent for p in report_home.glob("reports/*/index.html")]
    with duckdb.connect(str(report_home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        values = con.execute(
            "select b.metric_id, b.council_code, b.period_start, p.period_label, b.value, b.quartile,"
            " m.output_precision, m.polarity from fct_council_benchmarks b"
            " join dim_metric m using (metric_id) join dim_period p using (period_id)"
            " where m.in_basket and b.comparator_group = 'england' and b.value is not null"
        ).fetchall()
        current = {code for (code,) in con.execute("select council_code from mart_councils_at_risk").fetchall()}
        directions = {
            row[0]: row[1:]
            for row in con.execute(
                "select metric_id, direction, direction_lga_method, councils_paired"
                " from mart_metric_direction_of_travel where level = 'sector'"
            ).fetchall()
        }
    by_metric: dict[str, list] = {}
    for row in values:
        by_metric.setdefault(row[0], []).append(row)
    assert sorted(p.stem for p in (folder / "metrics").glob("*.html")) == sorted(by_metric)
    overview = (folder / "index.html").read_text(encoding="utf-8")
    for metric_id, rows in by_metric.items():
        page = folder / "metrics" / f"{metric_id}.html"
        assert f'<option value="{metric_id}">' in overview  # reachable from the overview
        text = unescape(page.read_text(encoding="utf-8"))
        summary = " ".join(re.findall(r"<p>([^<]*)</p>", text.split('id="summary"', 1)[1].split("</div>", 1)[0]))
        periods = sorted({(r[2], r[3]) for r in rows}, reverse=True)
        latest = [r for r in rows if r[2] == periods[0][0]]
        published = latest[0][6]
        spread = statistics.quantiles([r[4] for r in latest], n=4, method="inclusive")  # as quantile_cont
        median = statistics.median(r[4] for r in latest)

        def places(value, published=published):  # the published precision, else three significant figures
            return published if published is not None else max(0, min(3, 2 - math.floor(math.log10(abs(value)))))

        shown = [f"{v:,.{places(v)}f}" for v in (median, spread[0], spread[2])]
        assert (
            f"In {periods[0][1]}, the median of the {len(latest)} councils with a value was {shown[0]}" in summary
            and f"the middle half of them lay between {shown[1]} and {shown[2]}." in summary
        ), (metric_id, summary, shown)
        direction, lga, paired = directions[metric_id]
        assert (direction is not None) == ("the median went from" in summary), summary
        assert (lga is not None) == (f"the mean over the {paired} councils with a value in both periods" in summary)
        if len(periods) > 1 and latest[0][7] != "not_applicable":
            before = {r[1]: r[5] for r in rows if r[2] == periods[1][0]}
            up = sum(1 for r in latest if r[1] in before and r[5] < before[r[1]])
            down = sum(1 for r in latest if r[1] in before and r[5] > before[r[1]])
            assert f"Since {periods[1][1]}, {up} council" in summary and f" and {down} moved down." in summary, summary
        # One row per current council with a value, each linking to its council's page.
        linked = re.findall(r'<tr><td><a href="\.\./councils/(E\d{8})\.html">', text)
        assert sorted(linked) == sorted({r[1] for r in rows} & current)
    dom, console = _open(chromium, folder / "metrics" / f"{sorted(by_metric)[0]}.html", ARTEFACTS / "metric.png")
    assert console == [] and _chart_drawn(dom, "sector-chart") and _chart_drawn(dom, "chart-distribution")
    assert 'role="button"' in dom and 'tabindex="0"' in dom  # the table's headings sort, from the keyboard too


def test_no_published_page_names_a_table_model_variable_or_command(report_home):
    """What a reader sees (scripts and markup aside) speaks of councils and metrics, never of the warehouse's
    tables, models, seeds, settings or commands; and every page links the glossary."""
    models = {p.stem for p in (REPO / "dbt_project" / "models").rglob("*.sql")}
    seeds = {p.stem for p in (REPO / "dbt_project" / "seeds").glob("*.csv")}
    variables = set(project_vars())
    names = "|".join(sorted(name for name in models | seeds | variables if "_" in name))  # not plain words
    engineering = re.compile(rf"\b(?:{names})\b|\bsli [a-z]|\bdbt\b|\bSLI_[A-Z]|(?<!\w)--[a-z]")
    [folder] = [p.parent for p in report_home.glob("reports/*/index.html")]
    pages = [p for p in folder.rglob("*.html") if ".partial" not in p.parts]
    assert len(pages) > 317 + 5 and (folder / "glossary.html") in pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "glossary.html" in text, page  # the glossary is a click away
        visible = unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)))
        found = engineering.findall(visible)
        assert not found, (page.relative_to(folder), sorted(set(found)))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_page_text_passes_wcag_aa_contrast_and_chart_colours_are_colour_blind_safe():
    """Every text colour the pages set reads at 4.5:1 or more (WCAG AA) on each background they set; the
    quartile and direction colours come from schemes made for colour-blind readers."""
    css = (REPO / "reporting" / "templates" / "base.html.j2").read_text(encoding="utf-8")
    texts = set(re.findall(r"(?<![-\w])color: (#[0-9a-fA-F]{6})", css))
    backgrounds = set(re.findall(r"background: (#[0-9a-fA-F]{6})", css)) | {"#ffffff"}
    assert texts and len(backgrounds) > 1
    for text in texts:
        for background in backgrounds:
            light, dark = sorted((_luminance(text), _luminance(background)), reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 4.5, (text, background)
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"}
    rdbu = {"#ca0020", "#f4a582", "#92c5de", "#0571b0"}  # ColorBrewer RdBu, 4 classes
    assert {colour for _, colour in charts.DIRECTIONS} <= okabe_ito
    assert set(charts.QUARTILE_COLOURS.values()) == rdbu and charts.HIGHLIGHT not in rdbu | okabe_ito
