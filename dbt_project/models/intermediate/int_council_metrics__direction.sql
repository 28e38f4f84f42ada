-- Each council's own series: its first value on or after the baseline date against its latest value.
-- A successor council's baseline is therefore its own first period, never a predecessor's.
-- Basket metrics only, like every per-council view: its cost follows the basket, not the catalogue.
with reported as (
    select v.council_code, v.metric_id, v.period_id, v.period_start, v.value
    from {{ ref('int_council_metrics__latest_revision') }} as v
    inner join {{ ref('int_metrics__catalogue') }} as m on m.metric_id = v.metric_id
    where m.in_basket and v.value is not null and v.period_start >= date '{{ var("baseline_period_start") }}'
),

ends as (
    select
        council_code,
        metric_id,
        arg_min(period_id, period_start) as baseline_period_id,
        arg_min(value, period_start) as baseline_value,
        arg_max(period_id, period_start) as latest_period_id,
        arg_max(value, period_start) as latest_value
    from reported
    group by council_code, metric_id
)

select
    e.council_code,
    e.metric_id,
    m.polarity,
    e.baseline_period_id,
    e.latest_period_id,
    e.baseline_value,
    e.latest_value,
    {{ direction_of_travel('e.baseline_value', 'e.latest_value', 'm.polarity') }} as direction
from ends as e
inner join {{ ref('int_metrics__catalogue') }} as m on m.metric_id = e.metric_id
where e.baseline_period_id <> e.latest_period_id
