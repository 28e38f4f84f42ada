-- Figures that must agree: a published total against its parts, and the overview against the marts
-- it summarises. Any mismatch is an error.
with overview as (
    select * from {{ ref('mart_sector_overview') }}
    qualify row_number() over (order by quarter_start desc) = 1
),

stated_totals as (
    select
        'shared services ' || edition_year || ' edition: stated total against its partnerships' as check_name,
        any_value(stated_total_savings_gbp) as expected,
        sum(savings_gbp) as actual,
        -- Published totals are rounded (e.g. "£971m"): half a per cent, and never under a pound.
        greatest(1, 0.005 * any_value(stated_total_savings_gbp)) as tolerance
    from {{ ref('int_shared_services__latest_partnerships') }}
    group by edition_year
    having any_value(stated_total_savings_gbp) is not null
),

checks as (
    select * from stated_totals
    union all
    select
        'overview ' || o.quarter_id || ': shared-services savings against mart_shared_services_savings',
        (
            select sum(savings_gbp) from {{ ref('mart_shared_services_savings') }}
            where edition_year = o.shared_services_edition
        ),
        o.shared_services_savings_gbp,
        1
    from overview as o
    union all
    select
        'overview ' || o.quarter_id || ': satisfaction with the council against fct_resident_satisfaction',
        (
            select pct_satisfied from {{ ref('fct_resident_satisfaction') }}
            where round_number = o.poll_round_number and indicator_code = 'council_satisfaction'
        ),
        o.pct_satisfied_council,
        0.001
    from overview as o
    union all
    select
        'overview ' || o.quarter_id || ': metrics improving against mart_metric_direction_of_travel',
        (
            select count(*) from {{ ref('mart_metric_direction_of_travel') }}
            where level = 'sector' and in_basket and direction = 'improving'
        ),
        o.metrics_improving,
        0
    from overview as o
)

select
    check_name,
    expected,
    actual,
    tolerance,
    case
        when (expected is null) <> (actual is null) or abs(expected - actual) > tolerance
            then
                check_name || ': expected ' || coalesce(cast(expected as varchar), 'nothing') || ', got '
                || coalesce(cast(actual as varchar), 'nothing')
    end as mismatch
from checks
