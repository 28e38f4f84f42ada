"""What the sector overview shows, read from the published warehouse (read-only) as pandas frames."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

from warehouse.access import frame

OPE_MEASURES = {
    "ope_capital_receipts_gbp": "capital receipts (£)",
    "ope_running_cost_savings_gbp": "running-cost savings (£)",
    "ope_jobs_created": "jobs created",
    "ope_homes_land_released": "land released for homes",
}


@dataclass
class OverviewData:
    quarter: dict  # the chosen row of mart_sector_overview
    trend: pd.DataFrame  # key indicators per round, with margins of error
    direction: pd.DataFrame  # basket metrics per service area and direction
    distribution: pd.DataFrame  # one metric's values in one comparator group, latest period
    distribution_title: dict
    savings: pd.DataFrame  # latest edition, by region and category
    at_risk: pd.DataFrame
    councils: pd.DataFrame  # current councils, for the selector
    awards: list[dict]  # One Public Estate funding by round and fund


def quarters(connection) -> pd.DataFrame:
    return frame(connection, "select * from mart_sector_overview order by quarter_start")


def written(moment) -> str:
    """A moment as people write it: `7 December 2026, 01:47 UTC`."""
    return f"{moment.astimezone(UTC):%-d %B %Y, %H:%M} UTC"


def _plain_row(description, row: tuple) -> dict:
    """A row with plain Python values (None for NULL), load and publish times to the minute, as people write
    them (`7 December 2026, 01:47 UTC`)."""
    return {
        key: (written(value) if key.endswith(("_loaded_at", "published_at")) and value is not None else value)
        for key, value in zip([d[0] for d in description], row)
    }


def quarter_row(connection, quarter_id: str) -> dict:
    """One overview row, as `_plain_row`."""
    cursor = connection.execute("select * from mart_sector_overview where quarter_id = ?", [quarter_id])
    return _plain_row(cursor.description, cursor.fetchone())


def editions(connection, quarter_id: str) -> list[dict]:
    """Every published edition of QUARTER's overview row, first published first (`_plain_row`, plus
    `published_on`, the date)."""
    try:
        cursor = connection.execute(
            "select *, cast(published_at as date) as published_on, epoch(published_at) as published_epoch"
            " from mart_sector_overview_editions"
            " where quarter_id = ? order by published_at",
            [quarter_id],
        )
    except duckdb.CatalogException:  # a warehouse published before editions were kept
        return []
    return [_plain_row(cursor.description, row) for row in cursor.fetchall()]


def default_quarter(connection, to_date: bool = False) -> str | None:
    """The quarter reports and exports are of unless told: the latest that has ended (a quarter still running
    would read as if complete), or with TO_DATE, or when none has ended, the newest."""
    [(ended, newest)] = connection.execute(
        "select max(quarter_id) filter (where quarter_end < current_date), max(quarter_id) from mart_sector_overview"
    ).fetchall()
    return newest if to_date or ended is None else ended


def sources_without_data(connection) -> list[str]:
    """Sources the warehouse was built without (nothing loaded yet)."""
    return [
        source
        for (source,) in connection.execute(
            "select source from quality.qa_source_freshness where latest_data_date is null order by source"
        ).fetchall()
    ]


def overview(connection, quarter: dict, council: str | None, metric: str | None) -> OverviewData:
    trend = frame(
        connection,
        """
        select round_number, fieldwork_end, indicator_code, indicator_label, pct_satisfied, margin_of_error_pp,
               change_pp, is_significant_change
        from fct_resident_satisfaction
        where question_group = 'key_indicator' and fieldwork_end <= ?
        order by indicator_code, round_number""",
        [quarter["quarter_end"]],
    )
    direction = frame(
        connection,
        """
        select coalesce(service_area, 'Other') as service_area, direction, count(*) as metrics
        from mart_metric_direction_of_travel
        where level = 'sector' and in_basket group by all order by all""",
    )
    # The quarter's own flags; when and since when a council went in is known for the flags of now.
    at_risk = frame(
        connection,
        """
        select q.council_code, c.council_name, c.council_type, c.region_name, q.metrics_assessed,
               q.metrics_bottom_quartile, q.metrics_with_direction, q.metrics_worsening,
               case when q.quarter_id = (select max(quarter_id) from mart_sector_overview)
                    then r.bottom_quartile_since end as bottom_quartile_since,
               q.is_flagged_bottom_quartile, q.is_flagged_worsening, q.flagged_because,
               coalesce(q.support_received, '') as support_received  -- none recorded: '', not pandas' NaN
        from fct_council_at_risk_by_quarter q
        join dim_council c using (council_code)
        left join mart_councils_at_risk r using (council_code)
        where q.quarter_id = ? and q.is_at_risk
        -- Worst first: the largest share in the bottom quartile, then of metrics worsening.
        order by q.metrics_bottom_quartile / nullif(q.metrics_assessed, 0) desc nulls last,
                 q.metrics_worsening / nullif(q.metrics_with_direction, 0) desc nulls last, c.council_name""",
        [quarter["quarter_id"]],
    )
    councils = frame(
        connection,
        "select council_code, council_name, council_type, region_name from mart_councils_at_risk order by council_name",
    )
    council, why = (council, "chosen for this report") if council else _default_council(connection)
    metric = metric or _default_metric(connection, council)
    distribution = frame(
        connection,
        f"""
        select b.council_code, c.council_name, b.value, {shown("b.value")} as value_shown, b.quartile,
               b.median_value, b.period_id, p.period_label,
               b.comparator_group_value, m.metric_label, m.polarity, m.unit,
               {places("b.median_value")} as precision
        from fct_council_benchmarks b
        join dim_council c using (council_code)
        join dim_metric m using (metric_id)
        join dim_period p using (period_id)
        where b.metric_id = ? and b.comparator_group = 'council_type' and b.value is not null
          and b.comparator_group_value = (select council_type from dim_council where council_code = ?)
          and b.period_id = (select max_by(period_id, period_start) from fct_council_benchmarks
                             where metric_id = ? and council_code = ? and value is not null)
        order by b.value""",
        [metric, council, metric, council],
    )
    savings = frame(
        connection,
        """
        select region_name, service_category, partnerships, savings_gbp, edition_date, is_dated_by_publication
        from mart_shared_services_savings where edition_year = ? order by region_name, service_category""",
        [quarter["shared_services_edition"]],
    )
    title = {
        "council": council,
        "metric": metric,
        "council_name": councils.set_index("council_code")["council_name"].get(council, council),
        "why": why,
    }
    return OverviewData(
        quarter, trend, direction, distribution, title, savings, at_risk, councils, ope_awards(connection)
    )


@dataclass
class CouncilPages:
    """What each council's page shows, keyed by council code."""

    rows: dict[str, list[dict]]  # basket metrics (`council_pages`)
    metric_series: str  # every basket metric's England and council-type series, as JSON (`series`)
    series: dict[str, str]  # its own series of every basket metric, as JSON (`council_series`)
    neighbours: dict[str, list[dict]]  # its nearest neighbours (`council_neighbours`)
    summaries: dict[str, dict]  # the figures of its summary (`council_summaries`)
    support: dict[str, list[dict]]  # the LGA's support to it by year (`council_support`)


def per_council(connection) -> CouncilPages:
    return CouncilPages(
        council_pages(connection),
        series(connection),
        council_series(connection),
        council_neighbours(connection),
        council_summaries(connection),
        council_support(connection),
    )


_KEYS = {"council": ("dim_council", "council_code"), "metric": ("dim_metric", "metric_id")}


def exists(connection, kind: str, value: str) -> bool:
    """Whether the council or metric VALUE is in the warehouse (KIND: council | metric)."""
    table, key = _KEYS[kind]
    return bool(connection.execute(f"select count(*) from {table} where {key} = ?", [value]).fetchall()[0][0])


_BENCHMARKED = """
    from fct_council_benchmarks b
    join dim_metric m using (metric_id)
    join mart_councils_at_risk r using (council_code)
    where b.comparator_group = 'council_type' and m.in_basket and m.polarity <> 'not_applicable'
      and b.value is not null"""


def _default_council(connection) -> tuple[str | None, str]:
    """The council flagged at risk with the largest share of its metrics in the bottom quartile (the first
    of the at-risk table), else the first council by name, with a benchmarked basket metric; and why, in
    the page's words."""
    row = connection.execute(
        f"""select b.council_code, r.is_at_risk {_BENCHMARKED}
        order by r.is_at_risk desc, r.metrics_bottom_quartile / nullif(r.metrics_assessed, 0) desc nulls last,
                 r.council_name limit 1"""
    ).fetchone()
    if row is None:
        return None, ""
    if row[1]:
        return row[0], "the council flagged at risk with the largest share of its metrics in the bottom quartile"
    return row[0], "no council is flagged at risk, so the first by name"


def _default_metric(connection, council: str | None) -> str | None:
    """The council's first bottom-quartile basket metric, else its first basket metric with a polarity."""
    row = connection.execute(
        f"select b.metric_id {_BENCHMARKED} and b.council_code = ?"
        " order by (b.quartile = 4) desc, b.period_start desc, b.metric_id limit 1",
        [council],
    ).fetchone()
    return row[0] if row else None


def places(column: str) -> str:
    """SQL for the decimal places COLUMN is printed to: the metric's published precision
    (`dim_metric.output_precision` as `m`), else three significant figures, so that councils stay apart
    (0.4032 as 0.403, 18.63 as 18.6, 449.2 as 449), never more than three places."""
    significant = (
        f"case when coalesce({column}, 0) = 0 then 0 else greatest(0, least(3, 2 - floor(log10(abs({column}))))) end"
    )
    return f"cast(coalesce(m.output_precision, {significant}) as integer)"


def shown(column: str) -> str:
    """SQL for COLUMN as the page prints it: thousands separated, to `places`."""
    return f"format('{{:,.' || {places(column)} || 'f}}', {column})"


def _marker(column: str) -> str:
    """SQL for COLUMN's place on a row's position marker, to a tenth: 0 at England's lowest value (`e`, the
    England benchmark row, whose range holds every smaller group's) to 120 at its highest, mirrored when low
    is good so that better is always to the right."""
    place = f"120.0 * ({column} - e.min_value) / nullif(e.max_value - e.min_value, 0)"
    return f"round(coalesce(case when e.polarity = 'low_is_good' then 120 - {place} else {place} end, 60), 1)"


def _band(group: str) -> str:
    """SQL for the marker's band and median line of GROUP (a benchmark row's alias): its middle half's start
    and width, and its median's place."""
    lower, upper = _marker(f"{group}.lower_quartile_value"), _marker(f"{group}.upper_quartile_value")
    return (
        f"least({lower}, {upper}) as {group}_band_from, abs({upper} - {lower}) as {group}_band_width,"
        f" {_marker(f'{group}.median_value')} - 0.8 as {group}_median_at"
    )


def council_pages(connection) -> dict[str, list[dict]]:
    """Per current council: each basket metric's latest value against its council-type group and its nearest
    neighbours, and its direction.

    Basket metrics only: the overview is about the basket, and LG Inform's thousands of other metrics
    would make a page per council unreadable (they stay in the warehouse for analysts)."""
    return _grouped(
        connection,
        f"""
        with latest as materialized (
            select b.* from fct_council_benchmarks b
            join dim_metric m using (metric_id)
            where b.comparator_group = 'council_type' and b.value is not null and m.in_basket
            qualify row_number() over (partition by council_code, metric_id order by period_start desc) = 1
        ),
        -- The other groups' rows of those council-periods, found once: joining the whole table twice
        -- would hash every england and nearest-neighbour row of every period.
        same_period as (
            select b.* from fct_council_benchmarks b semi join latest using (council_code, metric_id, period_id)
            where b.comparator_group in ('england', 'nearest_neighbours')
        )
        select l.council_code, l.metric_id, m.metric_label, coalesce(m.service_area, 'Other') as service_area,
               m.polarity, l.period_id, p.period_label, l.value, l.median_value, l.mads_from_median, l.quartile,
               l.n_in_group,
               d.baseline_period_id, d.direction,
               -- As the page prints them, formatted here once rather than in the template per row.
               {shown("l.value")} as value_shown, {shown("l.median_value")} as median_shown,
               {shown("l.lower_quartile_value")} as lower_quartile_shown,
               {shown("l.upper_quartile_value")} as upper_quartile_shown, m.unit,
               coalesce(l.quartile::varchar, '') as quartile_shown,
               replace(coalesce(d.direction, ''), '_', ' ') as direction_shown,
               regexp_replace(l.metric_id, '[^A-Za-z0-9_-]', '_', 'g') as metric_slug,
               -- The position marker's x coordinates (a 120-wide drawing), better to the right: England's
               -- spread above, the council type's below, the council's value across both.
               {_marker("l.value")} as marker_value, {_band("e")}, {_band("l")},
               case when l.quartile is null then 'no quartile: ' || l.n_in_group || ' councils compared'
                    else 'quartile ' || l.quartile || ' of 4 among ' || l.comparator_group_value
                         || ' councils and ' || coalesce(e.quartile::varchar, 'none') || ' in England (1 is best)'
               end as position_words,
               -- The same period against the council's nearest neighbours (blank without a neighbour list).
               coalesce({shown("nb.median_value")}, '') as neighbours_median_shown,
               coalesce({shown("nb.min_value")} || ' to ' || {shown("nb.max_value")}, '') as neighbours_range_shown,
               coalesce(nb.rank_in_group || ' of ' || nb.n_in_group, '') as neighbours_rank_shown
        from latest l
        join same_period e
            on e.comparator_group = 'england' and e.council_code = l.council_code
            and e.metric_id = l.metric_id and e.period_id = l.period_id
        join dim_metric m on m.metric_id = l.metric_id
        join dim_period p on p.period_id = l.period_id
        join mart_councils_at_risk r on r.council_code = l.council_code
        left join mart_metric_direction_of_travel d
            on d.level = 'council' and d.council_code = l.council_code and d.metric_id = l.metric_id
        left join same_period nb
            on nb.comparator_group = 'nearest_neighbours' and nb.council_code = l.council_code
            and nb.metric_id = l.metric_id and nb.period_id = l.period_id""",
        order="service_area, metric_id",
    )


def _grouped(
    connection, query: str, order: str, params: list | None = None, key: str = "council_code", keep: str = "true"
) -> dict[str, list[dict]]:
    """QUERY's rows as {KEY: [row as dict, in ORDER]}, only rows meeting KEEP listed (a key whose rows all
    fail it gets []): grouped in DuckDB, which hands back each key's rows as Python dicts in one step."""
    grouped = (
        f"select {key} as k, coalesce(list(r order by {order}) filter (where {keep}), []) as v"
        f" from ({query}) as r group by 1"
    )
    # Through Arrow: its conversion to Python objects is about 40% faster than DuckDB's own for these lists.
    table = connection.sql(grouped, params=params or []).to_arrow_table()
    return dict(zip(table.column("k").to_pylist(), table.column("v").to_pylist(), strict=True))


def ope_awards(connection) -> list[dict]:
    """One Public Estate funding by round and fund: partnerships awarded and the total, in pounds (None when
    every award of the round is suppressed)."""
    rows = frame(
        connection,
        """
        select funding_round, fund, count(*) as partnerships, sum(award_gbp) as awarded_gbp
        from fct_ope_awards group by funding_round, fund order by funding_round, fund""",
    ).to_dict("records")
    return [{**row, "awarded_gbp": None if pd.isna(row["awarded_gbp"]) else row["awarded_gbp"]} for row in rows]


def council_neighbours(connection) -> dict[str, list[dict]]:
    """Per council named by a nearest-neighbour list: its neighbours, most similar first when the list ranks
    them, else by name; an empty list when the council is listed with none. A neighbour abolished since
    carries when (`succeeded_on`, as "March 2023": its last month) and by whom."""
    return _grouped(
        connection,
        "select council_code, neighbour_code, neighbour_name, neighbour_rank, neighbour_set,"
        " strftime(neighbour_succeeded_on - 1, '%B %Y') as last_month, neighbour_successor_names as successors"
        " from dim_council_nearest_neighbours",
        order="neighbour_rank nulls last, neighbour_name",
        keep="r.neighbour_code is not null",
    )


# Whether any of the LGA's improvement support is recorded: else "none recorded" would say nothing.
_SUPPORT_LOADED = "exists (select 1 from fct_council_support_by_year)"


def support_loaded(connection) -> bool:
    return connection.execute(f"select {_SUPPORT_LOADED}").fetchone()[0]


def council_support(connection) -> dict[str, list[dict]]:
    """Per council the LGA supported: its support by financial year, the latest year first."""
    return _grouped(connection, "select * from fct_council_support_by_year", order="financial_year_start desc")


@dataclass
class Outcomes:
    summary: list[dict]  # mart_outcome_direction_of_travel, one row per outcome
    direction: pd.DataFrame  # tagged metrics per outcome and sector direction, for the chart
    metrics: dict[str, list[dict]]  # per outcome: its tagged metrics with their sector direction


def outcomes(connection) -> Outcomes:
    """The "by outcome" page: the Local Outcomes Framework outcomes and their tagged basket metrics."""
    [(summary,)] = connection.execute(
        "select coalesce(list(r order by outcome_label), []) from mart_outcome_direction_of_travel as r"
    ).fetchall()
    tagged = f"""
        select t.outcome_id, t.outcome_label, t.metric_id, m.metric_label, m.unit, m.polarity,
               regexp_replace(t.metric_id, '[^A-Za-z0-9_-]', '_', 'g') as metric_slug,
               coalesce(d.direction, 'no comparison') as direction, p0.period_label as baseline_period,
               p1.period_label as latest_period, {shown("d.baseline_value")} as baseline_shown,
               {shown("d.latest_value")} as latest_shown
        from dim_metric_outcome t
        join dim_metric m using (metric_id)
        left join mart_metric_direction_of_travel d on d.level = 'sector' and d.metric_id = t.metric_id
        left join dim_period p0 on p0.period_id = d.baseline_period_id
        left join dim_period p1 on p1.period_id = d.latest_period_id"""
    direction = frame(
        connection, f"select outcome_label, direction, count(*) as metrics from ({tagged}) group by all order by all"
    )
    metrics = _grouped(connection, tagged, order="metric_label", key="outcome_id")
    return Outcomes(summary, direction, metrics)


def tracked_basket(connection) -> tuple[dict[str, str], datetime | None]:
    """The published warehouse's basket (metric id: label) and when its build was published."""
    basket = "select metric_id, coalesce(metric_label, metric_id) from dim_metric where in_basket"
    tracked = dict(connection.execute(basket).fetchall())
    [(published_at,)] = connection.execute("select max(published_at) from mart_sector_overview_editions").fetchall()
    return tracked, published_at


# Basket metrics' England statistics per period, the periods every series of a metric is aligned to.
_ENGLAND = """
    select b.metric_id, b.period_id, any_value(b.period_end) as period_end, any_value(b.median_value) as median,
           any_value(b.lower_quartile_value) as lower, any_value(b.upper_quartile_value) as upper
    from fct_council_benchmarks b join dim_metric m using (metric_id)
    where m.in_basket and b.comparator_group = 'england' and b.value is not null
    group by b.metric_id, b.period_id"""


def series(connection) -> str:
    """Every basket metric's series as JSON for the pages' charts: its periods, the England median and
    interquartile range, and each council type's median, aligned to the same periods."""
    [(document,)] = connection.execute(
        f"""
        with england as ({_ENGLAND}),
        types as (
            select metric_id, period_id, comparator_group_value as council_type, any_value(median_value) as median
            from fct_council_benchmarks join dim_metric m using (metric_id)
            where m.in_basket and comparator_group = 'council_type' and value is not null
            group by all
        ),
        type_medians as (
            select e.metric_id, k.council_type, list(t.median order by e.period_end) as medians
            from england e
            join (select distinct metric_id, council_type from types) k using (metric_id)
            left join types t
                on t.metric_id = e.metric_id and t.period_id = e.period_id and t.council_type = k.council_type
            group by all
        ),
        type_series as (
            select metric_id, json_group_object(council_type, medians) as type_medians
            from type_medians group by metric_id
        ),
        metrics as (
            select e.metric_id, json_object(
                'label', any_value(m.metric_label), 'unit', any_value(m.unit),
                'precision', any_value({places("e.median")}),
                'ends', list(strftime(e.period_end, '%Y-%m-%d') order by e.period_end),
                'labels', list(p.period_label order by e.period_end),
                'england_median', list(e.median order by e.period_end),
                'england_lower', list(e.lower order by e.period_end),
                'england_upper', list(e.upper order by e.period_end),
                'type_medians', any_value(ts.type_medians)
            ) as metric
            from england e
            join dim_metric m using (metric_id)
            join dim_period p using (period_id)
            left join type_series ts using (metric_id)
            group by e.metric_id
        )
        select json_group_object(metric_id, metric) from metrics"""
    ).fetchall()
    return document or "{}"


def council_series(connection) -> dict[str, str]:
    """Per council: its value and its nearest neighbours' median for each basket metric, aligned to the
    periods of `series`, as JSON for its page. One pass over the benchmarks' England and neighbour rows
    (the trend view joins them three times over)."""
    return dict(
        connection.execute(
            f"""
            with england as ({_ENGLAND}),
            own as (
                select b.council_code, b.metric_id, b.period_id,
                       max(b.value) filter (where b.comparator_group = 'england') as value,
                       max(b.median_value) filter (where b.comparator_group = 'nearest_neighbours') as neighbours
                from fct_council_benchmarks b join dim_metric m using (metric_id)
                where m.in_basket and b.value is not null and b.comparator_group in ('england', 'nearest_neighbours')
                group by all
            ),
            pairs as (select distinct council_code, metric_id from own),
            aligned as (
                select c.council_code, e.metric_id,
                       list(o.value order by e.period_end) as vals,
                       list(o.neighbours order by e.period_end) as neighbours
                from england e
                join pairs c using (metric_id)
                left join own o
                    on o.council_code = c.council_code and o.metric_id = e.metric_id and o.period_id = e.period_id
                group by all
            )
            select council_code, json_group_object(metric_id, json_object('values', vals, 'neighbours', neighbours))
            from aligned group by council_code"""
        ).fetchall()
    )


def council_summaries(connection) -> dict[str, dict]:
    """Per current council, the figures its summary sentences print (`narrative.council_summary`): its
    latest assessment year's bottom-quartile count against the year before, the service area holding most
    of them, its directions of travel, why it is flagged, and the LGA's support to it in the three years to
    the warehouse's build (whether any support is recorded at all, too)."""
    year = "{0} || '/' || lpad(cast(({0} + 1) % 100 as varchar), 2, '0')"
    query = f"""
        with years as (
            select council_code, assessment_year, any_value(metrics_assessed) as assessed,
                   any_value(metrics_bottom_quartile) as bottom
            from fct_council_metric_quartile_years group by all
        ),
        latest as (select council_code, max(assessment_year) as latest_year from years group by all),
        areas as (
            -- The service area holding most of the latest year's bottom-quartile metrics, and whether
            -- another holds as many.
            select *, count(*) over (partition by council_code, n) > 1 as tied
            from (
                select q.council_code, coalesce(m.service_area, 'Other') as area, count(*) as n
                from fct_council_metric_quartile_years q
                join latest l on l.council_code = q.council_code and l.latest_year = q.assessment_year
                join dim_metric m using (metric_id)
                where q.is_bottom_quartile
                group by q.council_code, area
            ) as counted
            qualify row_number() over (partition by council_code order by n desc, area) = 1
        ),
        improving as (
            select council_code, count(*) as metrics_improving
            from mart_metric_direction_of_travel
            where level = 'council' and in_basket and direction = 'improving'
            group by all
        )
        select r.council_code, r.council_name, r.council_type, r.latest_assessment_year, r.metrics_assessed,
               r.metrics_bottom_quartile, {year.format("p.assessment_year")} as previous_assessment_year,
               p.assessed as previous_assessed, p.bottom as previous_bottom_quartile,
               a.area as top_area, a.n as top_area_bottom, a.tied as top_area_tied, r.metrics_with_direction,
               coalesce(i.metrics_improving, 0) as metrics_improving, r.metrics_worsening, r.is_at_risk,
               r.flagged_because, r.support_last_three_years, r.support_received,
               {_SUPPORT_LOADED} as support_loaded,
               (select strftime(built_at, '%-d %B %Y') from meta.build_info) as built_on
        from mart_councils_at_risk r
        left join latest l using (council_code)
        left join years p on p.council_code = r.council_code and p.assessment_year = l.latest_year - 1
        left join areas a on a.council_code = r.council_code
        left join improving i on i.council_code = r.council_code"""
    return dict(connection.execute(f"select s.council_code, s from ({query}) as s").fetchall())


@dataclass
class MetricPages:
    """What each basket metric's page shows, keyed by metric id."""

    summaries: dict[str, dict]  # its figures in the latest period and since the baseline (`metric_summaries`)
    councils: dict[str, list[dict]]  # every council's latest value (`metric_councils`)


def per_metric(connection) -> MetricPages:
    return MetricPages(metric_summaries(connection), metric_councils(connection))


def metric_summaries(connection) -> dict[str, dict]:
    """Per basket metric: the England median and middle half in its latest period, its direction since the
    baseline by both methods, and how many councils moved quartile since the period before."""
    query = f"""
        with england as (
            select b.*, dense_rank() over (partition by b.metric_id order by b.period_start desc) as recency
            from fct_council_benchmarks b join dim_metric m using (metric_id)
            where m.in_basket and b.comparator_group = 'england' and b.value is not null
        ),
        latest as (
            select metric_id, any_value(period_id) as period_id, any_value(n_in_group) as councils,
                   any_value(median_value) as median, any_value(lower_quartile_value) as lower,
                   any_value(upper_quartile_value) as upper
            from england where recency = 1 group by metric_id
        ),
        moves as (
            select l.metric_id, any_value(p.period_id) as previous_period_id,
                   count(*) filter (where l.quartile < p.quartile) as moved_up,
                   count(*) filter (where l.quartile > p.quartile) as moved_down,
                   string_agg(c.council_name, ', ' order by c.council_name) filter (where l.quartile < p.quartile)
                       as moved_up_names,
                   string_agg(c.council_name, ', ' order by c.council_name) filter (where l.quartile > p.quartile)
                       as moved_down_names
            from england l
            join england p on p.metric_id = l.metric_id and p.council_code = l.council_code and p.recency = 2
            join dim_council c on c.council_code = l.council_code
            where l.recency = 1
            group by l.metric_id
        )
        select m.metric_id, m.metric_label, coalesce(m.service_area, 'Other') as service_area, m.unit, m.polarity,
               m.applies_to, regexp_replace(m.metric_id, '[^A-Za-z0-9_-]', '_', 'g') as metric_slug,
               {places("l.median")} as precision, lp.period_label as latest_period, l.councils,
               l.median, {shown("l.median")} as median_shown, {shown("l.lower")} as lower_shown,
               {shown("l.upper")} as upper_shown,
               bp.period_label as baseline_period, d.direction, {shown("d.baseline_value")} as baseline_shown,
               {shown("d.latest_value")} as latest_shown, d.direction_lga_method, d.councils_paired,
               pp.period_label as previous_period, mv.moved_up, mv.moved_down, mv.moved_up_names, mv.moved_down_names
        from dim_metric m
        join latest l using (metric_id)
        join dim_period lp on lp.period_id = l.period_id
        left join mart_metric_direction_of_travel d on d.level = 'sector' and d.metric_id = m.metric_id
        left join dim_period bp on bp.period_id = d.baseline_period_id
        left join moves mv on mv.metric_id = m.metric_id
        left join dim_period pp on pp.period_id = mv.previous_period_id"""
    return dict(connection.execute(f"select s.metric_id, s from ({query}) as s").fetchall())


def metric_councils(connection) -> dict[str, list[dict]]:
    """Per basket metric: every current council's latest value, its quartile in England and among councils of
    its type, and its own direction of travel."""
    return _grouped(
        connection,
        f"""
        with latest as materialized (
            select b.* from fct_council_benchmarks b join dim_metric using (metric_id)
            where in_basket and b.comparator_group = 'england' and b.value is not null
            qualify row_number() over (partition by b.metric_id, b.council_code order by b.period_start desc) = 1
        ),
        same_period as (  -- as in `council_pages`: the council-type rows of those council-periods only
            select t.* from fct_council_benchmarks t semi join latest using (council_code, metric_id, period_id)
            where t.comparator_group = 'council_type'
        )
        select b.metric_id, b.council_code, r.council_name, r.council_type, r.region_name, p.period_label,
               b.value, {shown("b.value")} as value_shown, b.quartile as england_quartile,
               -- As the page prints them (and sorts them), formatted here once rather than per row in the template.
               coalesce(b.quartile::varchar, '') as england_quartile_shown,
               coalesce(t.quartile::varchar, '') as type_quartile_shown,
               replace(coalesce(d.direction, ''), '_', ' ') as direction, epoch(p.period_start) as period_order
        from latest b
        join dim_metric m using (metric_id)
        join mart_councils_at_risk r using (council_code)
        join dim_period p using (period_id)
        left join same_period t
            on t.council_code = b.council_code and t.metric_id = b.metric_id and t.period_id = b.period_id
        left join mart_metric_direction_of_travel d
            on d.level = 'council' and d.council_code = b.council_code and d.metric_id = b.metric_id""",
        order="value desc nulls last, council_name",
        key="metric_id",
    )
