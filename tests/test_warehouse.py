"""The warehouse's figures, checked from outside dbt: benchmarks recomputed in pandas, the oversight
questions answered from the marts alone, and revisions kept."""

from __future__ import annotations

import csv
import io
import json
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import REPO, copy_home, sli


def _frame(home, query: str) -> pd.DataFrame:
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        return con.execute(query).df()


def _expected_england_benchmarks(values: pd.DataFrame) -> pd.DataFrame:
    """The england statistics written out in pandas, independently of the SQL."""
    reported = values.dropna(subset=["value"])
    groups = reported.groupby(["metric_id", "period_id"])["value"]
    stats = pd.DataFrame(
        {"n": groups.count(), "median": groups.median(), "p25": groups.quantile(0.25), "p75": groups.quantile(0.75)}
    )  # pandas' default: linear, as quantile_cont
    reported = reported.join(stats, on=["metric_id", "period_id"])
    reported["deviation"] = (reported["value"] - reported["median"]).abs()
    stats["mad"] = reported.groupby(["metric_id", "period_id"])["deviation"].median()
    out = values.join(stats, on=["metric_id", "period_id"])
    signed = np.where(out["polarity"] == "low_is_good", out["value"], -out["value"])
    out["rank"] = pd.Series(signed, index=out.index).groupby([out["metric_id"], out["period_id"]]).rank(method="min")
    out["quartile"] = _quartile_from_boundaries(out, "value", "p25", "median", "p75", "n")
    with_polarity = out["polarity"] != "not_applicable"
    out.loc[~with_polarity, ["rank", "quartile"]] = np.nan
    out.loc[out["value"].isna(), ["n", "median", "mad", "p25", "p75"]] = np.nan
    return out


def _quartile_from_boundaries(frame: pd.DataFrame, value: str, lower: str, median: str, upper: str, n: str):
    """The documented quartile (docs.md, `quartile`), written out in numpy: in the good direction, 1 at or
    beyond the better boundary, 2 at or beyond the median, 3 at or beyond the worse boundary, 4 beyond it;
    NaN without a value, without polarity or in a group of fewer than 4."""
    low = frame["polarity"] == "low_is_good"
    signed = np.where(low, -frame[value], frame[value])
    better = np.where(low, -frame[lower], frame[upper])
    middle = np.where(low, -frame[median], frame[median])
    worse = np.where(low, -frame[upper], frame[lower])
    quartile = np.select([signed >= better, signed >= middle, signed >= worse], [1.0, 2.0, 3.0], 4.0)
    undefined = frame[value].isna() | (frame["polarity"] == "not_applicable") | (frame[n] < 4) | frame[n].isna()
    return pd.Series(np.where(undefined, np.nan, quartile), index=frame.index)


def test_every_benchmark_rows_quartile_agrees_with_the_boundaries_beside_it(published_home):
    """Every row of every comparator group: the quartile printed is the one its boundaries give."""
    rows = _frame(
        published_home,
        "select comparator_group, polarity, value, lower_quartile_value, median_value, upper_quartile_value,"
        " n_in_group, quartile from fct_council_benchmarks",
    )
    assert len(rows) > 50_000 and set(rows["comparator_group"]) == {
        "england",
        "council_type",
        "region",
        "nearest_neighbours",
    }
    expected = _quartile_from_boundaries(
        rows, "value", "lower_quartile_value", "median_value", "upper_quartile_value", "n_in_group"
    )
    disagree = rows[~((rows["quartile"].astype(float) == expected) | (rows["quartile"].isna() & expected.isna()))]
    assert disagree.empty, disagree.head()
    assert rows["quartile"].dropna().isin([1, 2, 3, 4]).all() and (rows["quartile"] == 4).any()


def test_quartiles_of_an_oflog_layout_download_agree_with_their_boundaries(published_home):
    """The sample's government data explorer (Oflog layout) measures: every council's quartile against the
    boundaries beside it, in each group, and the direction counts both quartiles 1 and 4."""
    rows = _frame(
        published_home,
        "select b.* from fct_council_benchmarks b join dim_metric m using (metric_id)"
        " where m.source = 'data_explorer' and b.value is not null",
    )
    assert len(rows) > 1_000 and set(rows["polarity"]) == {"high_is_good", "low_is_good"}
    expected = _quartile_from_boundaries(
        rows, "value", "lower_quartile_value", "median_value", "upper_quartile_value", "n_in_group"
    )
    np.testing.assert_array_equal(rows["quartile"].astype(float), expected)
    assert {1, 4} <= set(rows["quartile"].dropna())


def test_england_benchmarks_agree_with_an_independent_computation(published_home):
    values = _frame(
        published_home,
        """
        select v.council_code, v.metric_id, v.period_id, v.value, m.polarity
        from fct_council_metric_values v
        join dim_council c using (council_code)
        join dim_metric m using (metric_id)
        where m.in_basket
          and (m.applies_to is null or list_contains(string_split(m.applies_to, '|'), c.council_type))""",
    )
    expected = _expected_england_benchmarks(values).set_index(["council_code", "metric_id", "period_id"]).sort_index()
    actual = (
        _frame(
            published_home,
            """
        select council_code, metric_id, period_id, n_in_group, median_value, mad_value, rank_in_group, quartile,
               lower_quartile_value, upper_quartile_value
        from fct_council_benchmarks where comparator_group = 'england'""",
        )
        .set_index(["council_code", "metric_id", "period_id"])
        .sort_index()
    )
    assert len(actual) == len(expected) > 10_000
    assert actual.index.equals(expected.index)
    for ours, theirs in [
        ("n_in_group", "n"),
        ("median_value", "median"),
        ("mad_value", "mad"),
        ("rank_in_group", "rank"),
        ("quartile", "quartile"),
        ("lower_quartile_value", "p25"),
        ("upper_quartile_value", "p75"),
    ]:
        np.testing.assert_allclose(actual[ours].astype(float), expected[theirs].astype(float), rtol=1e-12, err_msg=ours)


def _assert_neighbour_benchmarks_agree(home) -> int:
    """Each council against its own group (itself and its neighbours), recomputed in pandas from the list as
    loaded and the register's successions seed: a neighbour abolished in a reorganisation counts for periods
    starting before the change, its successors from then on. Returns the number of rows compared."""
    values = _frame(
        home,
        "select v.council_code, v.metric_id, v.period_id, v.period_start, v.value, m.polarity"
        " from fct_council_metric_values v join dim_metric m using (metric_id)"
        " where v.value is not null and m.in_basket",
    )
    listed = _frame(
        home, "select council_code, neighbour_code from dim_council_nearest_neighbours where neighbour_code is not null"
    )
    successions = pd.read_csv(
        REPO / "dbt_project" / "seeds" / "council_successions.csv", parse_dates=["effective_date"]
    )
    listed = listed.merge(successions, how="left", left_on="neighbour_code", right_on="predecessor_code")
    as_listed = listed.assign(member=listed["neighbour_code"], start=pd.NaT, until=listed["effective_date"])
    followed = listed.dropna(subset=["successor_code"]).query("successor_code != council_code")
    followed = followed.assign(member=followed["successor_code"], start=followed["effective_date"], until=pd.NaT)
    themselves = pd.DataFrame({"council_code": listed["council_code"].unique()})
    themselves = themselves.assign(member=themselves["council_code"], start=pd.NaT, until=pd.NaT)
    windows = pd.concat([w[["council_code", "member", "start", "until"]] for w in (as_listed, followed, themselves)])

    own = values.rename(columns={"value": "own"})
    members = windows.merge(own, on="council_code").merge(
        values[["council_code", "metric_id", "period_id", "value"]].rename(columns={"council_code": "member"}),
        on=["member", "metric_id", "period_id"],
    )
    starts = pd.to_datetime(members["period_start"])
    counts = (members["start"].isna() | (starts >= members["start"])) & (
        members["until"].isna() | (starts < members["until"])
    )
    members = members[counts].drop_duplicates(["council_code", "member", "metric_id", "period_id"])
    low = members["polarity"] == "low_is_good"
    members["better"] = np.where(low, members["value"] < members["own"], members["value"] > members["own"])
    key = ["council_code", "metric_id", "period_id"]
    expected = members.groupby(key).agg(
        n=("value", "count"),
        median=("value", "median"),
        low=("value", "min"),
        high=("value", "max"),
        better=("better", "sum"),
        polarity=("polarity", "first"),
    )
    actual = _frame(
        home,
        "select b.council_code, b.metric_id, b.period_id, n_in_group, median_value, min_value, max_value,"
        " rank_in_group from fct_council_benchmarks b join dim_metric m using (metric_id)"
        " where comparator_group = 'nearest_neighbours' and value is not null and m.in_basket",
    ).set_index(key)
    assert set(actual.index) == set(expected.index)
    expected = expected.reindex(actual.index)
    for ours, theirs in [("n_in_group", "n"), ("median_value", "median"), ("min_value", "low"), ("max_value", "high")]:
        np.testing.assert_allclose(actual[ours].astype(float), expected[theirs].astype(float), err_msg=ours)
    ranked = expected["polarity"] != "not_applicable"
    np.testing.assert_array_equal(actual.loc[ranked, "rank_in_group"], expected.loc[ranked, "better"] + 1)
    return len(actual)


def test_nearest_neighbour_benchmarks_agree_with_an_independent_computation(published_home):
    assert _assert_neighbour_benchmarks_agree(published_home) > 10_000


def test_a_new_neighbour_list_replaces_the_groups_it_names_in_every_period(tmp_path, published_home):
    """A later list replaces the groups it names; one made before a reorganisation follows the successors
    of the councils it names for periods after the change; a council listed with no neighbour is kept."""
    home = copy_home(published_home, tmp_path / "home")
    changed, kept, before_2023, alone = "E06000001", "E06000002", "E07000040", "E06000053"
    mendip, south_somerset, exeter = "E07000187", "E07000189", "E07000041"  # Somerset took over both
    (home / "inbox" / "lginform" / "nearest_neighbours_2027.csv").write_text(
        "Council code,Neighbour code,Rank,Neighbour set\n"
        f"{changed},E06000003,1,test set\n{changed},E06000004,2,test set\n"
        f"{before_2023},{mendip},1,test set\n{before_2023},{south_somerset},2,test set\n"
        f"{before_2023},{exeter},3,test set\n{alone},,,test set\n",
        encoding="utf-8",
    )
    sli(home, "refresh")
    groups = dict(
        _frame(
            home, "select council_code, count(neighbour_code) as n from dim_council_nearest_neighbours group by 1"
        ).set_index("council_code")["n"]
    )
    assert groups[changed] == 2 and groups[kept] == 15 and groups[before_2023] == 3 and groups[alone] == 0
    # Every period's statistics follow the new group, not only periods loaded since: a full build.
    sizes = _frame(
        home,
        f"select distinct n_in_group from fct_council_benchmarks where council_code = '{changed}'"
        " and comparator_group = 'nearest_neighbours' and n_in_group is not null",
    )["n_in_group"]
    assert set(sizes) <= {1, 2, 3} and len(sizes)
    # Before April 2023 the group is East Devon, Mendip, South Somerset and Exeter; from then on Somerset
    # stands in for the two districts it replaced, once.
    sizes = _frame(
        home,
        "select period_start >= date '2023-04-01' as after, max(n_in_group) as n from fct_council_benchmarks"
        f" where council_code = '{before_2023}' and comparator_group = 'nearest_neighbours' group by 1",
    ).set_index("after")["n"]
    assert sizes[False] == 4 and sizes[True] == 3
    assert _assert_neighbour_benchmarks_agree(home) > 10_000
    [folder] = [p.parent for p in (home / "reports").glob("*/index.html")]
    page = (folder / "councils" / f"{before_2023}.html").read_text(encoding="utf-8")
    assert 'Mendip</a> <span class="note">(until March 2023; Somerset in its place since)' in page
    page = (folder / "councils" / f"{alone}.html").read_text(encoding="utf-8")
    assert "The nearest-neighbour list names no neighbour for this council" in page
    assert _frame(
        home,
        f"select * from fct_council_benchmarks where council_code = '{alone}'"
        " and comparator_group = 'nearest_neighbours'",
    ).empty


def test_a_councils_trend_is_its_benchmarks_side_by_side(published_home):
    trend = _frame(published_home, "select * from fct_council_metric_trend")
    england = _frame(
        published_home,
        """select council_code, metric_id, period_id, value, median_value, lower_quartile_value,
                  upper_quartile_value, n_in_group, quartile
           from fct_council_benchmarks where comparator_group = 'england' and value is not null""",
    )
    assert len(trend) == len(england) > 10_000
    joined = trend.merge(england, on=["council_code", "metric_id", "period_id"], suffixes=("", "_b"))
    assert len(joined) == len(trend)
    for ours, theirs in [
        ("value", "value_b"),
        ("england_median", "median_value"),
        ("england_lower_quartile", "lower_quartile_value"),
        ("england_upper_quartile", "upper_quartile_value"),
        ("england_councils", "n_in_group"),
    ]:
        np.testing.assert_allclose(joined[ours].astype(float), joined[theirs].astype(float), err_msg=ours)
    # The band brackets the median, and a council's own type is never larger than England.
    assert (trend["england_lower_quartile"] <= trend["england_median"]).all()
    assert (trend["england_median"] <= trend["england_upper_quartile"]).all()
    assert (trend["council_type_councils"] <= trend["england_councils"]).all() and trend["council_type"].notna().all()


def _csv(home, query: str) -> list[list[str]]:
    """QUERY's rows as `sli sql --format csv` prints them, read as CSV (a council name may hold a comma)."""
    return list(csv.reader(io.StringIO(sli(home, "sql", query, "--format", "csv").stdout)))


def test_the_lga_share_improving_agrees_with_its_published_method_written_in_pandas(published_home):
    """The LGA's method (note of May 2017): per basket metric, the mean over the councils with a value in
    both the baseline and the latest period; the share of metrics whose mean moved the good way."""
    values = _frame(
        published_home,
        """
        select v.council_code, v.metric_id, v.period_start, v.value, m.polarity
        from fct_council_metric_values v join dim_metric m using (metric_id)
        where m.in_basket and not m.is_discontinued and v.value is not null""",
    )
    improving = compared = 0
    for _, series in values.groupby("metric_id"):
        series = series[series["period_start"] >= pd.Timestamp("2010-04-01")]
        first, last = series["period_start"].min(), series["period_start"].max()
        pairs = series[series["period_start"] == first].merge(
            series[series["period_start"] == last], on="council_code", suffixes=("_base", "_latest")
        )
        polarity = series["polarity"].iloc[0]
        if first == last or pairs.empty or polarity == "not_applicable":
            continue
        base, latest = pairs["value_base"].mean(), pairs["value_latest"].mean()
        compared += 1
        if abs(latest - base) > abs(base) * 0.01:
            improving += (latest > base) == (polarity == "high_is_good")
    headline = _frame(
        published_home,
        "select metrics_compared_lga_method, metrics_improving_lga_method,"
        " share_metrics_improving_lga_method from mart_sector_overview"
        " order by quarter_start desc limit 1",
    ).iloc[0]
    assert compared > 0 and (headline.iloc[0], headline.iloc[1]) == (compared, improving)
    assert headline.iloc[2] == pytest.approx(improving / compared)


def test_the_oversight_questions_are_answered_from_the_marts_alone(published_home):
    flagged = _csv(
        published_home,
        "select council_name, bottom_quartile_since, metrics_bottom_quartile,"
        " metrics_worsening from mart_councils_at_risk where is_at_risk order by 1",
    )
    assert len(flagged) > 1 and all(row[2] != "" for row in flagged[1:])
    why = _frame(published_home, "select * from mart_councils_at_risk where is_at_risk")
    assert (why["bottom_quartile_metrics"].notna() | why["worsening_metrics"].notna()).all()
    assert (why["is_flagged_bottom_quartile"] == why["bottom_quartile_since"].notna()).all()

    share = _csv(
        published_home,
        """
        select round(avg((direction = 'improving')::int), 6) from mart_metric_direction_of_travel
        where level = 'sector' and in_basket and not is_discontinued and polarity <> 'not_applicable'""",
    )[1][0]
    headline = _csv(
        published_home,
        "select round(share_metrics_improving, 6) from mart_sector_overview order by quarter_start desc limit 1",
    )[1][0]
    assert share == headline and 0 <= float(share) <= 1

    trend = _frame(
        published_home,
        "select round_number, pct_satisfied, margin_of_error_pp, change_pp,"
        " is_significant_change from fct_resident_satisfaction"
        " where indicator_code = 'council_satisfaction' order by round_number",
    )
    assert len(trend) > 40 and trend["is_significant_change"].iloc[1:].notna().all()
    assert (trend["margin_of_error_pp"].between(0.5, 3.2)).all()  # at most about 3.1 points for ~1,000 people

    regions = _frame(
        published_home,
        """
        select region_name, sum(savings_gbp) as savings from mart_shared_services_savings
        where edition_year = (select max(edition_year) from mart_shared_services_savings) group by 1""",
    )
    total = _frame(
        published_home,
        "select shared_services_savings_gbp from mart_sector_overview order by quarter_start desc limit 1",
    ).iloc[0, 0]
    assert len(regions) == 9 and regions["savings"].sum() == total


def test_a_revised_value_replaces_the_old_one_which_stays_in_the_history(tmp_path, published_home):
    home = tmp_path / "home"
    shutil.copytree(published_home, home)
    source = home / "inbox" / "lginform" / "data_S9001.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    row = next(r for r in document["rows"] if r["values"][0].get("value") is not None)
    old_value = row["values"][0]["value"]
    row["values"][0] = {"value": old_value + 1000, "formatted": "revised"}
    period = document["columns"][0]["period"]["identifier"]
    revised = home / "inbox" / "lginform" / "data_S9001_revised.json"
    revised.write_text(json.dumps(document), encoding="utf-8")
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        [before] = con.execute("select max(loaded_at) from fct_council_metric_value_history").fetchone()
    sli(home, "refresh")

    key = (row["area"]["identifier"], "S9001", period)
    where = "council_code = ? and metric_id = ? and period_id = ?"
    with duckdb.connect(str(home / "warehouse" / "sli.duckdb"), read_only=True) as con:
        current = con.execute(f"select value from fct_council_metric_values where {where}", key).fetchall()
        history = con.execute(
            f"select value, superseded_at is null from fct_council_metric_value_history"
            f" where {where} order by loaded_at",
            key,
        ).fetchall()
        as_of_before = con.execute(
            f"""select value from fct_council_metric_value_history where {where}
            and loaded_at <= ? and (superseded_at is null or superseded_at > ?)""",
            [*key, before, before],
        ).fetchall()
    assert current == [(old_value + 1000,)]
    assert history == [(old_value, False), (old_value + 1000, True)]
    assert as_of_before == [(old_value,)]


def test_dbt_docs_site_documents_every_mart(published_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(published_home, home)
    published = (home / "warehouse" / "sli.duckdb").read_bytes()
    out = sli(home, "docs").stdout
    page = home / "docs" / "dbt" / "static_index.html"
    assert str(page) in out and page.stat().st_size > 100_000
    catalog = json.loads((home / "docs" / "dbt" / "catalog.json").read_text(encoding="utf-8"))
    manifest = json.loads((home / "docs" / "dbt" / "manifest.json").read_text(encoding="utf-8"))
    marts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"].startswith(("dim_", "fct_", "mart_"))
    }
    assert set(marts) == {
        path.stem for path in (REPO / "dbt_project" / "models" / "marts").rglob("*.sql")
    }  # every mart, each documented
    for name, node in marts.items():
        assert node["description"].startswith("Grain: "), name
        documented = {column for column, spec in node["columns"].items() if spec["description"]}
        built = {column.lower() for column in catalog["nodes"][node["unique_id"]]["columns"]}
        assert built == documented, name
    assert (home / "warehouse" / "sli.duckdb").read_bytes() == published  # docs never write the warehouse


def test_every_dbt_unit_test_passes_and_builds_leave_them_out(published_home, tmp_path):
    """The calculations on hand-worked rows: `sli unit-tests` runs each one; production builds skip them."""
    defined = [  # unit tests sit beside their models, one file per folder
        line.split(":", 1)[1].strip()
        for path in (REPO / "dbt_project" / "models").rglob("*__unit_tests.yml")
        for line in path.read_text().splitlines()
        if line.startswith("  - name:")
    ]
    home = copy_home(published_home, tmp_path / "home")
    output = sli(home, "unit-tests").stdout
    assert f"PASS={len(defined)} WARN=0 ERROR=0" in output and len(defined) >= 9
    assert all(name in output for name in defined)
    built = json.loads((published_home / "dbt" / "target" / "run_results.json").read_text())
    assert not [r for r in built["results"] if r["unique_id"].startswith("unit_test.")]


def test_support_by_year_and_the_at_risk_support_are_the_lists_records_recounted(published_home):
    """Every row of the support mart, and each flagged council's support in the three years to the quarter's
    end, recomputed with pandas from the sample's own list: a type naming a peer challenge or peer review is
    one, and a piece counts in the financial year it started."""
    listed = pd.read_csv(
        published_home / "inbox" / "improvement_support" / "improvement_support.csv",
        skiprows=1,
        parse_dates=["Start date"],
    )
    registered = set(_frame(published_home, "select council_code from dim_council")["council_code"])
    listed = listed[listed["Council code"].isin(registered)]
    start = listed["Start date"]
    listed = listed.assign(
        year=start.dt.year - (start.dt.month < 4),
        peer=listed["Support type"].str.lower().str.contains("peer challenge|peer review"),
        corporate=listed["Support type"].str.lower().str.startswith("corporate peer challenge"),
    )
    expected = (
        listed.groupby(["Council code", "year"])
        .agg(
            support_started=("Support type", "size"),
            peer_challenges=("peer", "sum"),
            corporate_peer_challenges=("corporate", "sum"),
            reports_published=("Report published", "count"),
            support_types=("Support type", lambda types: "; ".join(sorted(set(types)))),
        )
        .reset_index()
        .rename(columns={"Council code": "council_code", "year": "financial_year_start"})
    )
    expected["other_support"] = expected["support_started"] - expected["peer_challenges"]
    mart = _frame(
        published_home,
        "select council_code, financial_year_start, support_started, peer_challenges, corporate_peer_challenges,"
        " reports_published, support_types, other_support from fct_council_support_by_year",
    )
    key = ["council_code", "financial_year_start"]
    assert len(mart) > 100
    pd.testing.assert_frame_equal(
        mart.sort_values(key).reset_index(drop=True),
        expected[mart.columns].sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )

    flagged = _frame(
        published_home,
        """
        select f.council_code, f.support_last_three_years, f.support_received, q.quarter_end
        from fct_council_at_risk_by_quarter f join mart_sector_overview q using (quarter_id)
        where f.is_at_risk and q.quarter_start = (select max(quarter_start) from mart_sector_overview)""",
    )
    assert len(flagged) > 3 and (flagged["support_last_three_years"] == 0).any()
    assert (flagged["support_last_three_years"] > 0).any()
    for row in flagged.itertuples():
        end = pd.Timestamp(row.quarter_end)
        mine = listed[
            (listed["Council code"] == row.council_code) & (start > end - pd.DateOffset(years=3)) & (start <= end)
        ].sort_values(["Start date", "Support type"])
        words = "; ".join(f"{t} ({s:%B %Y})" for t, s in zip(mine["Support type"], mine["Start date"], strict=True))
        received = row.support_received if isinstance(row.support_received, str) else ""  # NULL: none recorded
        assert row.support_last_three_years == len(mine) and received == words, row
