-- How many councils report each basket metric per period, against the period before. A fall below
-- the `completeness_min_ratio` var (default 0.6) is an error: a source that lost half its councils.
with counts as (
    select v.metric_id, v.period_id, v.period_start, count(v.value) as councils_reporting
    from {{ ref('fct_council_metric_values') }} as v
    inner join {{ ref('dim_metric') }} as m on m.metric_id = v.metric_id
    where m.in_basket
    group by all
),

compared as (
    select
        *,
        lag(councils_reporting) over (partition by metric_id order by period_start) as previous_councils_reporting
    from counts
)

select
    metric_id,
    period_id,
    councils_reporting,
    previous_councils_reporting,
    councils_reporting / nullif(previous_councils_reporting, 0) as reporting_ratio,
    case
        when councils_reporting < {{ var('completeness_min_ratio') }} * previous_councils_reporting
            then
                metric_id || ' ' || period_id || ': ' || councils_reporting || ' councils reporting, '
                || previous_councils_reporting || ' in the period before'
    end as completeness_drop
from compared
