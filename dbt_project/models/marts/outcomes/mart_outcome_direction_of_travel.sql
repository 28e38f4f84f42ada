-- Direction of travel per Local Outcomes Framework outcome: how many of its tagged basket metrics improve
-- since the baseline, by the sector median method of mart_metric_direction_of_travel. Metrics without a
-- polarity and discontinued ones are listed but not compared; an outcome with no tagged metric keeps its row.
with directions as (
    select
        t.outcome_id,
        d.direction,
        d.polarity <> 'not_applicable' and not d.is_discontinued as is_compared
    from {{ ref('dim_metric_outcome') }} as t
    left join {{ ref('mart_metric_direction_of_travel') }} as d
        on d.level = 'sector' and d.metric_id = t.metric_id
)

select
    o.outcome_id,
    o.outcome_label,
    o.ambition,
    count(d.outcome_id) as metrics_tagged,
    count(*) filter (where d.is_compared and d.direction in ('improving', 'worsening', 'no_change'))
        as metrics_compared,
    count(*) filter (where d.is_compared and d.direction = 'improving') as metrics_improving,
    count(*) filter (where d.is_compared and d.direction = 'worsening') as metrics_worsening,
    count(*) filter (where d.is_compared and d.direction = 'no_change') as metrics_no_change,
    metrics_improving / nullif(metrics_compared, 0) as share_metrics_improving
from {{ ref('local_outcomes') }} as o
left join directions as d on d.outcome_id = o.outcome_id
group by o.outcome_id, o.outcome_label, o.ambition
