{{ config(materialized='view') }}  -- a step of mart_councils_at_risk, kept queryable: no copy of its rows
-- Each council's polarity-adjusted position per assessment year (the financial year a period ends in:
-- fin_2019_20 and cal_2019 both count in 2019/20), one position per basket metric and year.
with positions as (
    select
        b.council_code,
        b.metric_id,
        b.period_id,
        b.quartile,
        b.period_end,
        year(b.period_end) - cast(month(b.period_end) < 4 as integer) as assessment_year
    from {{ ref('fct_council_benchmarks') }} as b
    inner join {{ ref('dim_metric') }} as m on m.metric_id = b.metric_id
    where
        b.comparator_group = '{{ var("at_risk_comparator_group") }}'
        and b.quartile is not null
        and m.in_basket
    qualify row_number() over (
        partition by b.council_code, b.metric_id, assessment_year order by b.period_end desc
    ) = 1
)

select
    council_code,
    metric_id,
    assessment_year,
    period_id,
    period_end,
    quartile = 4 as is_bottom_quartile,
    count(*) over (partition by council_code, assessment_year) as metrics_assessed,
    count(*) filter (where quartile = 4) over (partition by council_code, assessment_year) as metrics_bottom_quartile
from positions
