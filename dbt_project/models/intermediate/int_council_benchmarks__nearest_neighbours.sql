-- depends_on: {{ ref('int_council_metrics__revisions') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['metric_id', 'period_id'],
    on_schema_change='fail'
) }}
-- Every council has a nearest-neighbour group of its own (itself and its neighbours), so the groups overlap
-- and are no partition to window over: each group's values are gathered into a list. A model of its own, so
-- this aggregation and fct_council_benchmarks's windows never hold memory at the same time (together they
-- outgrew DuckDB's limit and spilled, doubling the build's time on some runs).
with applicable as (
    {{ comparable_values() }}
),

neighbour_values as (
    select
        f.council_code,
        f.metric_id,
        f.period_id,
        list(a.value) filter (where a.value is not null) as group_values,
        1 + count(*) filter (
            where case when f.polarity = 'low_is_good' then a.value < f.value else a.value > f.value end
        ) as value_rank
    from applicable as f
    inner join {{ ref('int_council_nearest_neighbours__members') }} as g on g.focus_code = f.council_code
    inner join applicable as a
        on a.council_code = g.member_code and a.metric_id = f.metric_id and a.period_id = f.period_id
    where
        f.value is not null
        -- Open bounds as far dates, not ORs: a plain range filter after the hash join, twice as fast.
        and f.period_start >= coalesce(g.counts_from, date '0001-01-01')
        and f.period_start < coalesce(g.counts_until, date '9999-12-31')
    group by f.council_code, f.metric_id, f.period_id
),

neighbour_medians as (
    select *, list_aggregate(group_values, 'median') as median_value
    from neighbour_values
)

select
    council_code,
    metric_id,
    period_id,
    len(group_values) as n_in_group,
    median_value,
    list_aggregate(group_values, 'quantile_cont', 0.25) as lower_quartile_value,
    list_aggregate(group_values, 'quantile_cont', 0.75) as upper_quartile_value,
    list_aggregate(group_values, 'min') as min_value,
    list_aggregate(group_values, 'max') as max_value,
    list_aggregate(list_transform(group_values, lambda x: abs(x - median_value)), 'median') as mad_value,
    value_rank
from neighbour_medians
