-- depends_on: {{ ref('int_council_metrics__revisions') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['metric_id', 'period_id'],
    on_schema_change='fail'
) }}
-- Each council's value against its comparator groups: like with like, within the council types the
-- metric applies to. Statistics are over councils with a value; a NULL value gets NULL statistics.
-- Basket metrics only: the comparisons are per council, so they scale with the basket the overview
-- tracks, never with the whole LG Inform catalogue loaded beside it (sector medians cover every metric).
with applicable as (
    {{ comparable_values() }}
),

grouped as (
    select *, 'england' as comparator_group, 'England' as comparator_group_value from applicable
    union all
    select *, 'council_type', council_type from applicable
    union all
    select *, 'region', region_name from applicable
),

centred as (
    select
        *,
        count(value) over by_group as n_in_group,
        median(value) over by_group as group_median,
        quantile_cont(value, [0.25, 0.75]) over by_group as group_quartiles,
        min(value) over by_group as group_min,
        max(value) over by_group as group_max,
        rank() over (
            partition by comparator_group, comparator_group_value, metric_id, period_id
            order by case when polarity = 'low_is_good' then value else -value end asc nulls last
        ) as value_rank
    from grouped
    window by_group as (partition by comparator_group, comparator_group_value, metric_id, period_id)
),

spread as (
    select
        *,
        median(abs(value - group_median)) over (
            partition by comparator_group, comparator_group_value, metric_id, period_id
        ) as group_mad
    from centred
),

-- Nearest neighbours: each council's own group, computed in int_council_benchmarks__nearest_neighbours.
neighbours as (
    select
        f.*,
        'nearest_neighbours' as comparator_group,
        f.council_code as comparator_group_value,
        n.n_in_group,
        n.median_value as group_median,
        [n.lower_quartile_value, n.upper_quartile_value] as group_quartiles,
        n.min_value as group_min,
        n.max_value as group_max,
        n.value_rank,
        n.mad_value as group_mad
    from applicable as f
    inner join (select distinct focus_code from {{ ref('int_council_nearest_neighbours__members') }}) as grouped
        on grouped.focus_code = f.council_code
    left join {{ ref('int_council_benchmarks__nearest_neighbours') }} as n
        on n.council_code = f.council_code and n.metric_id = f.metric_id and n.period_id = f.period_id
),

all_groups as (
    select
        council_code, metric_id, period_id, period_start, period_end, comparator_group, comparator_group_value,
        polarity, value, n_in_group, group_median, group_quartiles, group_min, group_max, value_rank, group_mad
    from spread
    union all
    select
        council_code, metric_id, period_id, period_start, period_end, comparator_group, comparator_group_value,
        polarity, value, n_in_group, group_median, group_quartiles, group_min, group_max, value_rank, group_mad
    from neighbours
)

select
    council_code,
    metric_id,
    period_id,
    period_start,
    period_end,
    comparator_group,
    comparator_group_value,
    polarity,
    value,
    case when value is not null then n_in_group end as n_in_group,
    case when value is not null then group_median end as median_value,
    case when value is not null then group_quartiles[1] end as lower_quartile_value,
    case when value is not null then group_quartiles[2] end as upper_quartile_value,
    case when value is not null then group_min end as min_value,
    case when value is not null then group_max end as max_value,
    case when value is not null then group_mad end as mad_value,
    case when value is not null then (value - group_median) / nullif(group_mad, 0) end as mads_from_median,
    -- The quartile is read against the boundaries printed beside it (docs: quartile), so the two never disagree.
    case
        when value is null or polarity = 'not_applicable' or n_in_group < 4 then null
        when polarity = 'low_is_good' and value <= group_quartiles[1] then 1
        when polarity = 'low_is_good' and value <= group_median then 2
        when polarity = 'low_is_good' and value <= group_quartiles[2] then 3
        when polarity = 'low_is_good' then 4
        when value >= group_quartiles[2] then 1
        when value >= group_median then 2
        when value >= group_quartiles[1] then 3
        else 4
    end as quartile,
    case when value is not null and polarity <> 'not_applicable' then cast(value_rank as integer) end as rank_in_group
from all_groups
