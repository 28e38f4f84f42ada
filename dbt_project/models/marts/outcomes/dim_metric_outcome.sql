-- The active basket's metrics tagged to Local Outcomes Framework outcomes (seed metric_outcomes).
select
    t.metric_id,
    t.outcome_id,
    o.outcome_label
from {{ ref('metric_outcomes') }} as t
inner join {{ ref('local_outcomes') }} as o on o.outcome_id = t.outcome_id
inner join {{ ref('dim_metric') }} as m on m.metric_id = t.metric_id
where t.basket = '{{ var("basket") }}' and m.in_basket
