-- depends_on: {{ ref('int_council_metrics__revisions') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['metric_id', 'period_id'],
    on_schema_change='fail'
) }}
-- The sector median of each metric and period, over councils that reported a value: every metric loaded,
-- so an incremental build redoes only the metric-periods its loads revised.
-- Ranked with window functions rather than median(): windows spill to disk under the memory limit,
-- while median() holds every group's values in memory (at LG Inform scale, over a gigabyte).
with ranked as (
    select
        v.metric_id,
        v.period_id,
        v.period_start,
        v.period_end,
        v.value,
        row_number() over (partition by v.metric_id, v.period_id order by v.value) as value_rank,
        count(*) over (partition by v.metric_id, v.period_id) as n_councils
    from {{ ref('int_council_metrics__latest_revision') }} as v
    {% if is_incremental() %}
        inner join (
            {{ revised_in_this_build(['metric_id', 'period_id']) }}
        ) as touched on touched.metric_id = v.metric_id and touched.period_id = v.period_id
    {% endif %}
    where v.value is not null
)

-- The middle value, or the mean of the two middle values when the count is even, as median() gives.
select
    metric_id,
    period_id,
    period_start,
    period_end,
    any_value(n_councils) as n_councils,
    avg(value) as median_value
from ranked
where value_rank in ((n_councils + 1) // 2, (n_councils + 2) // 2)
group by metric_id, period_id, period_start, period_end
