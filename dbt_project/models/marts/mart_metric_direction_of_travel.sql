-- Each metric's direction of travel as of the newest quarter.
select
    d.metric_id,
    m.metric_label,
    m.service_area,
    d.polarity,
    d.baseline_period_id,
    d.latest_period_id,
    d.baseline_median,
    d.latest_median,
    d.direction
from {{ ref('int_metrics__direction_by_quarter') }} as d
inner join {{ ref('dim_metric') }} as m on m.metric_id = d.metric_id
where d.quarter_id = (select max(quarter_id) from {{ ref('int_calendar__quarters') }})
