-- One row per quarter, by reference period: each source's figures for the periods, rounds, editions and
-- as-of dates that had ended by the quarter's end, as the warehouse holds them now (latest revision). What
-- the overview said when it was published is kept in mart_sector_overview_editions.
with quarters as (
    select * from {{ ref('int_calendar__quarters') }}
),

poll_headline as (
    select
        round_number, fieldwork_end,
        max(pct_satisfied) filter (where indicator_code = 'council_satisfaction') as pct_satisfied_council,
        max(margin_of_error_pp) filter (where indicator_code = 'council_satisfaction') as council_margin_of_error_pp,
        max(change_pp) filter (where indicator_code = 'council_satisfaction') as council_change_pp,
        bool_or(is_significant_change) filter (where indicator_code = 'council_satisfaction')
            as council_change_significant,
        max(previous_round_number) filter (where indicator_code = 'council_satisfaction')
            as council_previous_round_number,
        bool_or(is_change_across_gap) filter (where indicator_code = 'council_satisfaction')
            as council_change_across_gap,
        max(pct_satisfied) filter (where indicator_code = 'area_satisfaction') as pct_satisfied_area,
        max(pct_satisfied) filter (where indicator_code = 'council_trust') as pct_trust_council,
        max(pct_satisfied) filter (where indicator_code = 'value_for_money') as pct_value_for_money
    from {{ ref('fct_resident_satisfaction') }}
    group by round_number, fieldwork_end
),

polls as (
    select q.quarter_id, p.*
    from quarters as q
    inner join poll_headline as p on p.fieldwork_end <= q.quarter_end
    qualify row_number() over (partition by q.quarter_id order by p.fieldwork_end desc) = 1
),

metrics as (
    -- Two methods side by side: the change of each metric's sector median, and the LGA's (the change of
    -- the mean over councils with values in both periods). Discontinued metrics count in neither, nor do
    -- metrics without a polarity (whose change, when too small to count, is also `no_change`).
    select
        quarter_id,
        count(*) filter (where direction in ('improving', 'worsening', 'no_change') and has_polarity)
            as metrics_with_polarity,
        count(*) filter (where direction = 'improving' and not is_discontinued) as metrics_improving,
        count(*) filter (where direction_lga_method in ('improving', 'worsening', 'no_change') and has_polarity)
            as metrics_compared_lga_method,
        count(*) filter (where direction_lga_method = 'improving' and not is_discontinued)
            as metrics_improving_lga_method,
        count(*) filter (where is_discontinued and latest_period_id is not null) as metrics_discontinued,
        count(*) filter (where latest_period_id is null and not is_discontinued) as metrics_awaiting_later_period
    from (
        select *, not is_discontinued and polarity <> 'not_applicable' as has_polarity
        from {{ ref('int_metrics__direction_by_quarter') }}
    ) as directions
    where in_basket
    group by quarter_id
),

editions as (
    select
        edition_year,
        any_value(edition_date) as edition_date,
        cast(sum(partnerships) as bigint) as partnerships,
        sum(savings_gbp) as total_savings_gbp
    from {{ ref('mart_shared_services_savings') }}
    group by edition_year
),

shared_services as (
    select q.quarter_id, s.*
    from quarters as q
    inner join editions as s on s.edition_date <= q.quarter_end
    qualify row_number() over (partition by q.quarter_id order by s.edition_year desc) = 1
),

ope as (
    select
        q.quarter_id,
        o.as_of_date,
        max(o.value) filter (where o.measure = 'capital_receipts') as capital_receipts_gbp,
        max(o.value) filter (where o.measure = 'running_cost_savings') as running_cost_savings_gbp,
        max(o.value) filter (where o.measure = 'jobs_created') as jobs_created,
        max(o.value) filter (where o.measure = 'homes_land_released') as homes_land_released
    from quarters as q
    inner join {{ ref('fct_ope_outputs') }} as o
        on o.as_of_date <= q.quarter_end and o.basis = 'achieved' and o.scope = 'programme'
    group by q.quarter_id, o.as_of_date
    qualify row_number() over (partition by q.quarter_id order by o.as_of_date desc) = 1
),

at_risk as (
    select quarter_id, count(*) filter (where is_at_risk) as councils_at_risk
    from {{ ref('fct_council_at_risk_by_quarter') }}
    group by quarter_id
),

-- Each source's newest data and its last load, as of the quarter's end (the reading int_sources__freshness
-- gives for now).
freshness as (
    select
        q.quarter_id,
        max(d.data_date) filter (where d.source = 'lginform') as lginform_latest_period_end,
        max(d.last_loaded_at) filter (where d.source = 'lginform') as lginform_last_loaded_at,
        max(d.data_date) filter (where d.source = 'polls') as polls_latest_fieldwork_end,
        max(d.last_loaded_at) filter (where d.source = 'polls') as polls_last_loaded_at,
        max(d.last_loaded_at) filter (where d.source = 'shared_services') as shared_services_last_loaded_at,
        max(d.data_date) filter (where d.source = 'ope') as ope_latest_as_of_date,
        max(d.last_loaded_at) filter (where d.source = 'ope') as ope_last_loaded_at
    from quarters as q
    left join {{ ref('int_sources__loads_by_data_date') }} as d on d.data_date <= q.quarter_end
    group by q.quarter_id
)

select
    q.quarter_id,
    q.quarter_start,
    q.quarter_end,
    p.round_number as poll_round_number,
    p.fieldwork_end as poll_fieldwork_end,
    p.pct_satisfied_council,
    p.council_margin_of_error_pp,
    p.council_change_pp,
    p.council_change_significant,
    p.council_previous_round_number,
    p.council_change_across_gap,
    p.pct_satisfied_area,
    p.pct_trust_council,
    p.pct_value_for_money,
    m.metrics_with_polarity,
    m.metrics_improving,
    m.metrics_improving / nullif(m.metrics_with_polarity, 0) as share_metrics_improving,
    m.metrics_compared_lga_method,
    m.metrics_improving_lga_method,
    m.metrics_improving_lga_method / nullif(m.metrics_compared_lga_method, 0) as share_metrics_improving_lga_method,
    m.metrics_discontinued,
    m.metrics_awaiting_later_period,
    r.councils_at_risk,
    s.edition_year as shared_services_edition,
    s.partnerships as shared_services_partnerships,
    s.total_savings_gbp as shared_services_savings_gbp,
    o.as_of_date as ope_as_of_date,
    o.capital_receipts_gbp as ope_capital_receipts_gbp,
    o.running_cost_savings_gbp as ope_running_cost_savings_gbp,
    o.jobs_created as ope_jobs_created,
    o.homes_land_released as ope_homes_land_released,
    f.lginform_latest_period_end,
    f.lginform_last_loaded_at,
    f.polls_latest_fieldwork_end,
    f.polls_last_loaded_at,
    s.edition_year as shared_services_latest_edition,
    f.shared_services_last_loaded_at,
    f.ope_latest_as_of_date,
    f.ope_last_loaded_at
from quarters as q
left join freshness as f on f.quarter_id = q.quarter_id
left join polls as p on p.quarter_id = q.quarter_id
left join metrics as m on m.quarter_id = q.quarter_id
left join shared_services as s on s.quarter_id = q.quarter_id
left join ope as o on o.quarter_id = q.quarter_id
left join at_risk as r on r.quarter_id = q.quarter_id
