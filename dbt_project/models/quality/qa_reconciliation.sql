-- Figures that must agree: a published total against its parts, the overview against the marts it
-- summarises, and each statistic against its definition (docs.md) on every row. Any mismatch is an error.
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

-- Every benchmark row against the definitions printed beside it, in the metric's good direction (s):
-- quartile 1 at or beyond the better boundary, 4 strictly beyond the worse one; the distance in MADs is
-- (value - median) / MAD; the rank lies within the group.
benchmarks as (
    select
        *,
        case when polarity = 'low_is_good' then -value else value end as s,
        case when polarity = 'low_is_good' then -upper_quartile_value else lower_quartile_value end as worse_boundary,
        case when polarity = 'low_is_good' then -median_value else median_value end as s_median,
        case when polarity = 'low_is_good' then -lower_quartile_value else upper_quartile_value end as better_boundary
    from {{ ref('fct_council_benchmarks') }}
),

benchmark_checks as (
    select
        count(*) filter (
            where (quartile is null) <> (value is null or polarity = 'not_applicable' or n_in_group < 4)
            or (quartile = 1 and s < better_boundary)
            or (quartile = 2 and (s < s_median or s >= better_boundary))
            or (quartile = 3 and (s < worse_boundary or s >= s_median))
            or (quartile = 4 and s >= worse_boundary)
        ) as quartile_contradictions,
        count(*) filter (
            where
            abs(mads_from_median - (value - median_value) / nullif(mad_value, 0))
            > 1e-9 * (1 + abs(mads_from_median))
            or (mads_from_median is null) <> (value is null or mad_value = 0)
        ) as mads_contradictions,
        count(*) filter (where rank_in_group < 1 or rank_in_group > n_in_group) as rank_contradictions,
        count(*) filter (
            where min_value > lower_quartile_value
            or lower_quartile_value > median_value
            or median_value > upper_quartile_value
            or upper_quartile_value > max_value
        ) as boundaries_out_of_order
    from benchmarks
),

-- Each quarter's shares against their counts, and the figures a quarter must show when its source had data
-- by the quarter's end (a join that lost them would otherwise publish an empty cell).
overview_checks as (
    select
        count(*) filter (
            where metrics_improving > metrics_with_polarity
            or metrics_improving_lga_method > metrics_compared_lga_method
            or share_metrics_improving not between 0 and 1
            or share_metrics_improving_lga_method not between 0 and 1
            or abs(share_metrics_improving - metrics_improving / metrics_with_polarity) > 1e-12
            or abs(share_metrics_improving_lga_method - metrics_improving_lga_method / metrics_compared_lga_method)
            > 1e-12
        ) as shares_inconsistent,
        count(*) filter (
            where (polls_latest_fieldwork_end is not null and poll_round_number is null)
            or (shared_services_last_loaded_at is not null and shared_services_edition is null)
        ) as figures_missing
    from {{ ref('mart_sector_overview') }}
),

backward_directions as (
    select count(*) as comparisons
    from {{ ref('int_metrics__direction_by_quarter') }} as d
    inner join {{ ref('dim_period') }} as b on b.period_id = d.baseline_period_id
    inner join {{ ref('dim_period') }} as l on l.period_id = d.latest_period_id
    where l.period_start <= b.period_start
),

checks as (
    select * from stated_totals
    union all
    select
        'fct_council_benchmarks: rows whose quartile contradicts the boundaries beside it',
        0,
        quartile_contradictions,
        0
    from benchmark_checks
    union all
    select
        'fct_council_benchmarks: rows whose mads_from_median is not (value - median) / MAD',
        0,
        mads_contradictions,
        0
    from benchmark_checks
    union all
    select 'fct_council_benchmarks: ranks outside 1 to the councils compared', 0, rank_contradictions, 0
    from benchmark_checks
    union all
    select
        'fct_council_benchmarks: rows whose boundaries are out of order (min <= lower quartile <= median'
        || ' <= upper quartile <= max)',
        0,
        boundaries_out_of_order,
        0
    from benchmark_checks
    union all
    select
        'mart_sector_overview: quarters whose share improving is outside 0 to 1 or not its counts',
        0,
        shares_inconsistent,
        0
    from overview_checks
    union all
    select
        'mart_sector_overview: quarters missing the poll round or map edition their source had by then',
        0,
        figures_missing,
        0
    from overview_checks
    union all
    select
        'direction of travel: comparisons whose latest period does not start after the baseline',
        0,
        comparisons,
        0
    from backward_directions
    union all
    select
        'overview ' || o.quarter_id || ': councils at risk against mart_councils_at_risk',
        (select count(*) filter (where is_at_risk) from {{ ref('mart_councils_at_risk') }}),
        o.councils_at_risk,
        0
    from overview as o
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
        -- Nothing (not 0) when no metric has a direction yet, as the overview says when LG Inform has no data.
        (
            select count(*) filter (where direction = 'improving') from {{ ref('mart_metric_direction_of_travel') }}
            where level = 'sector' and in_basket
            having count(*) > 0
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
