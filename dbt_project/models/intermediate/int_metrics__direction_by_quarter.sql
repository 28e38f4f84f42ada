{{ config(materialized='table') }}  -- read by several models: computed once per build
-- For each quarter, each metric's latest published period so far against its baseline period, by two methods:
-- the median method (the sector median over every council reporting each period) and, for basket metrics,
-- the LGA's published method (its note of May 2017): the mean over the councils with a value in both the
-- baseline and the latest period, the two means compared in the metric's good direction.
-- Forward only: the latest period starts after the baseline period. A quarter by whose end the baseline
-- period had ended but no later one has a row with no latest period and no direction.
with baseline as (
    select metric_id, period_id, period_start, period_end, median_value
    from {{ ref('int_metrics__period_medians') }}
    where period_start >= date '{{ var("baseline_period_start") }}'
    qualify row_number() over (partition by metric_id order by period_start) = 1
),

baseline_by_quarter as (
    select q.quarter_id, q.quarter_end, b.*
    from {{ ref('int_calendar__quarters') }} as q
    inner join baseline as b on b.period_end <= q.quarter_end
),

latest_by_quarter as (
    select b.quarter_id, m.metric_id, m.period_id, m.median_value
    from baseline_by_quarter as b
    inner join {{ ref('int_metrics__period_medians') }} as m
        on m.metric_id = b.metric_id and m.period_start > b.period_start and m.period_end <= b.quarter_end
    qualify row_number() over (partition by b.quarter_id, m.metric_id order by m.period_end desc) = 1
),

basket_values as (
    select v.council_code, v.metric_id, v.period_id, v.value
    from {{ ref('int_council_metrics__latest_revision') }} as v
    inner join {{ ref('int_metrics__catalogue') }} as c on c.metric_id = v.metric_id
    where c.in_basket and v.value is not null
),

-- Each basket metric's later periods once, however many quarters share them.
compared_periods as (
    select distinct l.metric_id, l.period_id, b.period_id as baseline_period_id
    from latest_by_quarter as l
    inner join baseline as b on b.metric_id = l.metric_id
),

-- Each council's value in a compared period and in its baseline, side by side: two joins on the
-- compared period's key and one grouping, never a join of one council's series with another's (DuckDB
-- plans that self-join badly: minutes at the real scale's quarterly data).
paired_values as (
    select
        p.metric_id,
        p.period_id,
        v.council_code,
        v.value as baseline_value,
        cast(null as double) as latest_value
    from compared_periods as p
    inner join basket_values as v on v.metric_id = p.metric_id and v.period_id = p.baseline_period_id
    union all
    select
        p.metric_id,
        p.period_id,
        v.council_code,
        null as baseline_value,
        v.value as latest_value
    from compared_periods as p
    inner join basket_values as v on v.metric_id = p.metric_id and v.period_id = p.period_id
),

paired_means as (
    select
        metric_id,
        period_id,
        count(*) as councils_paired,
        -- Exact decimal sums: the same inputs give the same means, whatever order the rows arrive in.
        cast(avg(cast(baseline_value as decimal(38, 10))) as double) as baseline_mean,
        cast(avg(cast(latest_value as decimal(38, 10))) as double) as latest_mean
    from (
        select metric_id, period_id, max(baseline_value) as baseline_value, max(latest_value) as latest_value
        from paired_values
        group by metric_id, period_id, council_code
    ) as by_council
    where baseline_value is not null and latest_value is not null
    group by metric_id, period_id
)

select
    b.quarter_id,
    b.metric_id,
    d.polarity,
    d.in_basket,
    d.is_discontinued,
    b.period_id as baseline_period_id,
    l.period_id as latest_period_id,
    b.median_value as baseline_median,
    l.median_value as latest_median,
    {{ direction_of_travel('b.median_value', 'l.median_value', 'd.polarity') }} as direction,
    p.councils_paired,
    p.baseline_mean,
    p.latest_mean,
    {{ direction_of_travel('p.baseline_mean', 'p.latest_mean', 'd.polarity') }} as direction_lga_method
from baseline_by_quarter as b
inner join {{ ref('int_metrics__catalogue') }} as d on d.metric_id = b.metric_id
left join latest_by_quarter as l on l.quarter_id = b.quarter_id and l.metric_id = b.metric_id
left join paired_means as p on p.metric_id = l.metric_id and p.period_id = l.period_id
