{{ config(materialized='view') }}  -- a reshaping of fct_council_benchmarks: no copy of its rows
-- A council's series for a metric against England and its own council type: each period's value beside
-- both groups' median and interquartile range, one row per period, for time-series charts.
select
    council_code,
    metric_id,
    period_id,
    period_start,
    period_end,
    any_value(polarity) as polarity,
    any_value(value) as value,
    max(median_value) filter (where comparator_group = 'england') as england_median,
    max(lower_quartile_value) filter (where comparator_group = 'england') as england_lower_quartile,
    max(upper_quartile_value) filter (where comparator_group = 'england') as england_upper_quartile,
    max(n_in_group) filter (where comparator_group = 'england') as england_councils,
    max(quartile) filter (where comparator_group = 'england') as england_quartile,
    max(comparator_group_value) filter (where comparator_group = 'council_type') as council_type,
    max(median_value) filter (where comparator_group = 'council_type') as council_type_median,
    max(lower_quartile_value) filter (where comparator_group = 'council_type') as council_type_lower_quartile,
    max(upper_quartile_value) filter (where comparator_group = 'council_type') as council_type_upper_quartile,
    max(n_in_group) filter (where comparator_group = 'council_type') as council_type_councils,
    max(quartile) filter (where comparator_group = 'council_type') as council_type_quartile
from {{ ref('fct_council_benchmarks') }}
where value is not null
group by council_code, metric_id, period_id, period_start, period_end
