-- depends_on: {{ ref('int_council_metrics__revisions') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['metric_id', 'period_id'],
    on_schema_change='fail'
) }}
-- Each council's value against its comparator groups: like with like, within the council types the
-- metric applies to. Statistics are over councils with a value; a NULL value gets NULL statistics.
with applicable as (
    select
        v.council_code,
        v.metric_id,
        v.period_id,
        v.period_start,
        v.period_end,
        v.value,
        c.council_type,
        c.region_name,
        m.polarity
    from {{ ref('fct_council_metric_values') }} as v
    inner join {{ ref('dim_council') }} as c on c.council_code = v.council_code
    inner join {{ ref('dim_metric') }} as m on m.metric_id = v.metric_id
    {% if is_incremental() %}
    -- Only the metric-periods whose values this build loaded: every other group is unchanged.
    inner join (
        select distinct metric_id, period_id from {{ ref('int_council_metrics__revisions') }}
        where build_id = '{{ invocation_id }}'
    ) as touched on touched.metric_id = v.metric_id and touched.period_id = v.period_id
    {% endif %}
    where m.applies_to is null or list_contains(string_split(m.applies_to, '|'), c.council_type)
),

-- Not materialized: three projections of `applicable` are cheaper to recompute than to store.
grouped as not materialized (
    select *, 'england' as comparator_group, 'England' as comparator_group_value from applicable
    union all
    select *, 'council_type', council_type from applicable
    union all
    select *, 'region', region_name from applicable
),

-- Each group's values once, sorted: its count, median and MAD come from that list, and each value's
-- rank is where it first appears in the list ordered best first (ties share the better rank). Hash
-- aggregates joined back to the rows: no window sorts every row.
sorted_groups as (
    select
        comparator_group, comparator_group_value, metric_id, period_id,
        any_value(polarity) as polarity,
        list_sort(list(value) filter (where value is not null)) as ascending
    from grouped
    group by all
),

group_medians as (
    select
        *,
        row_number() over () as group_id,
        len(ascending) as n_in_group,
        {{ sorted_list_median('ascending') }} as group_median
    from sorted_groups
),

group_stats as (
    select
        comparator_group, comparator_group_value, metric_id, period_id, group_id, n_in_group, group_median,
        {{ sorted_list_median('deviations') }} as group_mad
    from (
        select *, list_sort(list_transform(ascending, lambda x: abs(x - group_median))) as deviations
        from group_medians
    )
),

value_ranks as (
    select group_id, value, min(position) as value_rank
    from (
        select group_id, unnest(best_first) as value, unnest(range(1, len(best_first) + 1)) as position
        from (
            select
                group_id,
                case when polarity = 'low_is_good' then ascending else list_reverse(ascending) end as best_first
            from group_medians
        )
    )
    group by all
),

spread as (
    select g.*, s.n_in_group, s.group_median, s.group_mad, r.value_rank
    from grouped as g
    inner join group_stats as s using (comparator_group, comparator_group_value, metric_id, period_id)
    left join value_ranks as r on r.group_id = s.group_id and r.value = g.value
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
    case when value is not null then group_mad end as mad_value,
    case when value is not null then (value - group_median) / nullif(group_mad, 0) end as mads_from_median,
    case
        when value is not null and polarity <> 'not_applicable'
            then cast(least(4, 1 + floor(4.0 * (value_rank - 1) / n_in_group)) as integer)
    end as quartile,
    case when value is not null and polarity <> 'not_applicable' then cast(value_rank as integer) end as rank_in_group
from spread
