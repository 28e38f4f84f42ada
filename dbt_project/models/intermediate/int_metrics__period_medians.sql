{{ config(materialized='table') }}  -- read by several models: computed once per build
-- The sector median of each metric and period, over councils that reported a value.
select
    metric_id,
    period_id,
    period_start,
    period_end,
    count(value) as n_councils,
    median(value) as median_value
from {{ ref('int_council_metrics__latest_revision') }}
where value is not null
group by all
