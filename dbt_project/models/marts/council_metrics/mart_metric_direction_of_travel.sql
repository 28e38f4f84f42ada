-- Direction of travel since the baseline period, for the sector (each metric's median over every
-- council reporting it, as of the newest quarter, and for basket metrics also the LGA's method: the mean
-- over councils with values in both periods) and for each council (its own series).
select
    'sector' as level,
    cast(null as varchar) as council_code,
    d.metric_id,
    m.metric_label,
    m.service_area,
    m.in_basket,
    m.is_discontinued,
    d.polarity,
    d.baseline_period_id,
    d.latest_period_id,
    d.baseline_median as baseline_value,
    d.latest_median as latest_value,
    d.direction,
    d.councils_paired,
    d.baseline_mean as baseline_mean_paired,
    d.latest_mean as latest_mean_paired,
    d.direction_lga_method
from {{ ref('int_metrics__direction_by_quarter') }} as d
inner join {{ ref('dim_metric') }} as m on m.metric_id = d.metric_id
where
    d.quarter_id = (select max(quarter_id) from {{ ref('int_calendar__quarters') }})
    and d.latest_period_id is not null

union all

select
    'council' as level,
    d.council_code,
    d.metric_id,
    m.metric_label,
    m.service_area,
    m.in_basket,
    m.is_discontinued,
    d.polarity,
    d.baseline_period_id,
    d.latest_period_id,
    d.baseline_value,
    d.latest_value,
    d.direction,
    cast(null as bigint) as councils_paired,
    cast(null as double) as baseline_mean_paired,
    cast(null as double) as latest_mean_paired,
    cast(null as varchar) as direction_lga_method
from {{ ref('int_council_metrics__direction') }} as d
inner join {{ ref('dim_metric') }} as m on m.metric_id = d.metric_id
