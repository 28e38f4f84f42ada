-- Each basket metric's median over reporting councils against the period before. A move larger than
-- the `median_shift_max` var (default 0.5, i.e. 50%) is a warning: worth a look, often a real change.
with medians as (
    select
        p.metric_id,
        p.period_id,
        p.period_start,
        p.median_value,
        lag(p.median_value) over (partition by p.metric_id order by p.period_start) as previous_median
    from {{ ref('int_metrics__period_medians') }} as p
    inner join {{ ref('dim_metric') }} as m on m.metric_id = p.metric_id
    where m.in_basket
)

select
    metric_id,
    period_id,
    median_value,
    previous_median,
    (median_value - previous_median) / nullif(abs(previous_median), 0) as relative_change,
    case
        when abs(median_value - previous_median) > {{ var('median_shift_max') }} * abs(previous_median)
            then
                metric_id || ' ' || period_id || ': median ' || round(median_value, 3) || ' after '
                || round(previous_median, 3)
    end as median_shift
from medians
