-- Each council's at-risk flags as they stood at each quarter's end, by reference period: only periods that
-- had ended by then count. The rules are mart_councils_at_risk's (macros/at_risk_rules.sql); at the newest
-- quarter every period has ended, so the two agree (qa_reconciliation checks it).
with quarters as (
    select * from {{ ref('int_calendar__quarters') }}
),

-- Bottom quartile: a position counts from the quarter its period ends in; per council and assessment year,
-- the metrics assessed and in the bottom quartile accumulate as their periods end.
position_steps as (
    select
        council_code,
        assessment_year,
        last_day(date_trunc('quarter', period_end) + interval 2 month) as counts_from,
        count(*) as assessed,
        count(*) filter (where is_bottom_quartile) as bottom
    from {{ ref('fct_council_metric_quartile_years') }}
    group by all
),

positions_by_quarter as (
    select
        q.quarter_id,
        s.council_code,
        s.assessment_year,
        cast(sum(s.assessed) as bigint) as metrics_assessed,
        cast(sum(s.bottom) as bigint) as metrics_bottom_quartile
    from quarters as q
    inner join position_steps as s on s.counts_from <= q.quarter_end
    group by q.quarter_id, s.council_code, s.assessment_year
    qualify row_number() over (partition by q.quarter_id, s.council_code order by s.assessment_year desc) = 1
),

-- Worsening: each council's own series from its first value on or after the baseline date (as
-- int_council_metrics__direction); in a quarter, its latest later period ended by then is compared.
series as (
    select
        v.council_code,
        v.metric_id,
        m.polarity,
        v.period_end,
        v.value,
        first_value(v.value) over by_start as baseline_value,
        row_number() over by_start as nth,
        lead(v.period_end) over by_start as next_period_end
    from {{ ref('int_council_metrics__latest_revision') }} as v
    inner join {{ ref('dim_metric') }} as m on m.metric_id = v.metric_id
    where m.in_basket and v.value is not null and v.period_start >= date '{{ var("baseline_period_start") }}'
    window by_start as (partition by v.council_code, v.metric_id order by v.period_start)
),

later_periods as (
    select
        council_code,
        period_end,
        next_period_end,
        {{ direction_of_travel('baseline_value', 'value', 'polarity') }} as direction
    from series
    where nth > 1
),

travel_by_quarter as (
    select
        q.quarter_id,
        l.council_code,
        count(*) filter (where l.direction in ('improving', 'worsening', 'no_change')) as metrics_with_direction,
        count(*) filter (where l.direction = 'worsening') as metrics_worsening
    from quarters as q
    inner join later_periods as l
        on l.period_end <= q.quarter_end and (l.next_period_end is null or l.next_period_end > q.quarter_end)
    group by q.quarter_id, l.council_code
),

councils_by_quarter as (
    select q.quarter_id, q.quarter_end, c.council_code
    from quarters as q
    inner join {{ ref('dim_council') }} as c
        on
            coalesce(c.start_date, q.quarter_end) <= q.quarter_end
            and coalesce(c.end_date, q.quarter_end) >= q.quarter_end
),

flags as (
    select
        c.quarter_id,
        c.council_code,
        coalesce(p.metrics_assessed, 0) as metrics_assessed,
        coalesce(p.metrics_bottom_quartile, 0) as metrics_bottom_quartile,
        coalesce(t.metrics_with_direction, 0) as metrics_with_direction,
        coalesce(t.metrics_worsening, 0) as metrics_worsening,
        {{ flagged_bottom_quartile('p.metrics_assessed', 'p.metrics_bottom_quartile') }} as is_flagged_bottom_quartile,
        {{ flagged_worsening('t.metrics_with_direction', 't.metrics_worsening') }} as is_flagged_worsening
    from councils_by_quarter as c
    left join positions_by_quarter as p on p.quarter_id = c.quarter_id and p.council_code = c.council_code
    left join travel_by_quarter as t on t.quarter_id = c.quarter_id and t.council_code = c.council_code
),

-- The LGA's improvement support in the three years to the quarter's end.
support_by_quarter as (
    select
        q.quarter_id,
        s.council_code,
        count(*) as support_last_three_years,
        {{ support_list('s.support_type', 's.start_date') }} as support_received
    from quarters as q
    inner join {{ ref('int_improvement_support__latest_engagements') }} as s
        on {{ support_within_three_years('s.start_date', 'q.quarter_end') }}
    group by q.quarter_id, s.council_code
)

select
    f.*,
    f.is_flagged_bottom_quartile or f.is_flagged_worsening as is_at_risk,
    {{ flagged_because(
        'f.metrics_assessed', 'f.metrics_bottom_quartile', 'f.metrics_with_direction', 'f.metrics_worsening'
    ) }} as flagged_because,
    coalesce(s.support_last_three_years, 0) as support_last_three_years,
    s.support_received
from flags as f
left join support_by_quarter as s on s.quarter_id = f.quarter_id and s.council_code = f.council_code
