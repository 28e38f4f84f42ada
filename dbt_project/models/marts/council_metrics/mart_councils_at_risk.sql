-- Explainable flags: how many basket metrics put the council in the bottom quartile of its comparator
-- group, or are worsening since the baseline; which metrics; and since when. The rules: macros/at_risk_rules.sql.
with years as (
    select
        *,
        {{ flagged_bottom_quartile('metrics_assessed', 'metrics_bottom_quartile') }} as year_flagged
    from {{ ref('fct_council_metric_quartile_years') }}
),

latest as (
    select council_code, max(assessment_year) as latest_year
    from years
    group by council_code
),

runs as (
    -- The last year each metric (and the council) was out of the bottom quartile (not flagged): an
    -- unbroken run reaching the latest year starts after it.
    select
        y.council_code,
        y.metric_id,
        max(y.assessment_year) filter (where not y.is_bottom_quartile) over (partition by y.council_code, y.metric_id)
            as metric_last_out,
        max(y.assessment_year) filter (where not y.year_flagged) over (partition by y.council_code) as council_last_out,
        y.assessment_year,
        y.is_bottom_quartile,
        y.year_flagged,
        y.metrics_assessed,
        y.metrics_bottom_quartile,
        l.latest_year
    from years as y
    inner join latest as l on l.council_code = y.council_code
),

positions as (
    select
        council_code,
        any_value(metrics_assessed) filter (where assessment_year = latest_year) as metrics_assessed,
        any_value(metrics_bottom_quartile) filter (where assessment_year = latest_year) as metrics_bottom_quartile,
        bool_or(year_flagged) filter (where assessment_year = latest_year) as flagged_bottom_quartile,
        min(assessment_year) filter (where year_flagged and assessment_year > coalesce(council_last_out, 0))
            as bottom_quartile_since_year,
        string_agg(
            metric_id || ' (since ' || {{ fin_year_label('metric_since') }} || ')', '; ' order by metric_id
        ) filter (where is_bottom_quartile and assessment_year = latest_year) as bottom_quartile_metrics,
        any_value(latest_year) as latest_year
    from (
        select
            *,
            min(assessment_year) filter (where is_bottom_quartile and assessment_year > coalesce(metric_last_out, 0))
                over (partition by council_code, metric_id) as metric_since
        from runs
    ) as with_since
    group by council_code
),

travel as (
    select
        d.council_code,
        count(*) filter (where d.direction in ('improving', 'worsening', 'no_change')) as metrics_with_direction,
        count(*) filter (where d.direction = 'worsening') as metrics_worsening,
        string_agg(d.metric_id, '; ' order by d.metric_id) filter (where d.direction = 'worsening') as worsening_metrics
    from {{ ref('int_council_metrics__direction') }} as d
    inner join {{ ref('dim_metric') }} as m on m.metric_id = d.metric_id
    where m.in_basket
    group by d.council_code
),

-- The LGA's improvement support in the three years to the build: for a flagged council, "no support
-- recorded" is itself a finding.
support as (
    select
        council_code,
        count(*) as support_last_three_years,
        {{ support_list('support_type', 'start_date') }} as support_received
    from {{ ref('int_improvement_support__latest_engagements') }}
    where {{ support_within_three_years('start_date', 'current_date') }}
    group by council_code
)

select
    c.council_code,
    c.council_name,
    c.council_type,
    c.region_name,
    {{ fin_year_label('p.latest_year') }} as latest_assessment_year,
    coalesce(p.metrics_assessed, 0) as metrics_assessed,
    coalesce(p.metrics_bottom_quartile, 0) as metrics_bottom_quartile,
    coalesce(t.metrics_with_direction, 0) as metrics_with_direction,
    coalesce(t.metrics_worsening, 0) as metrics_worsening,
    coalesce(p.flagged_bottom_quartile, false) as is_flagged_bottom_quartile,
    {{ flagged_worsening('t.metrics_with_direction', 't.metrics_worsening') }} as is_flagged_worsening,
    coalesce(p.flagged_bottom_quartile, false)
    or {{ flagged_worsening('t.metrics_with_direction', 't.metrics_worsening') }} as is_at_risk,
    case when p.flagged_bottom_quartile then {{ fin_year_label('p.bottom_quartile_since_year') }} end
        as bottom_quartile_since,
    p.bottom_quartile_metrics,
    t.worsening_metrics,
    {{ flagged_because(
        'coalesce(p.metrics_assessed, 0)',
        'coalesce(p.metrics_bottom_quartile, 0)',
        'coalesce(t.metrics_with_direction, 0)',
        'coalesce(t.metrics_worsening, 0)'
    ) }} as flagged_because,
    coalesce(s.support_last_three_years, 0) as support_last_three_years,
    s.support_received
from {{ ref('dim_council') }} as c
left join positions as p on p.council_code = c.council_code
left join travel as t on t.council_code = c.council_code
left join support as s on s.council_code = c.council_code
where c.end_date is null
