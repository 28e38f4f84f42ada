{{ config(materialized='table') }}  -- read by several models: computed once per build
-- The sector median of each metric and period, over councils that reported a value.
-- Ranked with window functions rather than median(): windows spill to disk under the memory limit,
-- while median() holds every group's values in memory (at LG Inform scale, over a gigabyte).
with ranked as (
    select
        metric_id,
        period_id,
        period_start,
        period_end,
        value,
        row_number() over (partition by metric_id, period_id order by value) as value_rank,
        count(*) over (partition by metric_id, period_id) as n_councils
    from {{ ref('int_council_metrics__latest_revision') }}
    where value is not null
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
