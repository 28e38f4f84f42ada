{{ config(materialized='table') }}  -- read by several models: computed once per build
-- For each quarter, each metric's latest published period so far against its baseline period.
with baseline as (
    select metric_id, period_id, median_value
    from {{ ref('int_metrics__period_medians') }}
    where period_start >= date '{{ var("baseline_period_start") }}'
    qualify row_number() over (partition by metric_id order by period_start) = 1
),

latest_by_quarter as (
    select q.quarter_id, m.metric_id, m.period_id, m.median_value
    from {{ ref('int_calendar__quarters') }} as q
    inner join {{ ref('int_metrics__period_medians') }} as m on m.period_end <= q.quarter_end
    qualify row_number() over (partition by q.quarter_id, m.metric_id order by m.period_end desc) = 1
)

select
    l.quarter_id,
    l.metric_id,
    d.polarity,
    d.in_basket,
    b.period_id as baseline_period_id,
    l.period_id as latest_period_id,
    b.median_value as baseline_median,
    l.median_value as latest_median,
    {{ direction_of_travel('b.median_value', 'l.median_value', 'd.polarity') }} as direction
from latest_by_quarter as l
inner join baseline as b on b.metric_id = l.metric_id
inner join {{ ref('int_metrics__catalogue') }} as d on d.metric_id = l.metric_id
where l.period_id <> b.period_id
