{{ config(materialized='view') }}  -- a reshaping of fct_council_benchmarks: no copy of its rows
-- A council's series for a metric against England, its own council type and its nearest neighbours: each
-- period's value beside the groups' medians, interquartile ranges (England, type) and range (neighbours),
-- one row per period, for time-series charts. A join, not an aggregate, so that a filter on council and
-- metric reaches the table's rows (one series reads in ms).
select
    e.council_code,
    e.metric_id,
    e.period_id,
    e.period_start,
    e.period_end,
    e.polarity,
    e.value,
    e.median_value as england_median,
    e.lower_quartile_value as england_lower_quartile,
    e.upper_quartile_value as england_upper_quartile,
    e.n_in_group as england_councils,
    e.quartile as england_quartile,
    t.comparator_group_value as council_type,
    t.median_value as council_type_median,
    t.lower_quartile_value as council_type_lower_quartile,
    t.upper_quartile_value as council_type_upper_quartile,
    t.n_in_group as council_type_councils,
    t.quartile as council_type_quartile,
    n.n_in_group as neighbours_councils,
    n.median_value as neighbours_median,
    n.min_value as neighbours_min,
    n.max_value as neighbours_max,
    n.rank_in_group as neighbours_rank
from {{ ref('fct_council_benchmarks') }} as e
inner join {{ ref('fct_council_benchmarks') }} as t
    on
        t.council_code = e.council_code
        and t.metric_id = e.metric_id
        and t.period_id = e.period_id
        and t.comparator_group = 'council_type'
left join {{ ref('fct_council_benchmarks') }} as n
    on
        n.council_code = e.council_code
        and n.metric_id = e.metric_id
        and n.period_id = e.period_id
        and n.comparator_group = 'nearest_neighbours'
where e.comparator_group = 'england' and e.value is not null
