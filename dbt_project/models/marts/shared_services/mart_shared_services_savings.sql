-- Savings are cumulative within an edition: figures are per edition and never summed across editions.
-- Within an edition, partnerships and savings add up across regions and categories; councils do not.
with partnerships as (
    select * from {{ ref('int_shared_services__latest_partnerships') }}
),

members as (
    select edition_year, region_name, service_category, count(distinct council_code) as councils_involved
    from {{ ref('int_shared_services__council_memberships') }}
    group by all
)

select
    p.edition_year,
    -- One file per edition (the latest load), so one date and one dating per edition.
    any_value(p.edition_date) as edition_date,
    any_value(p.is_dated_by_publication) as is_dated_by_publication,
    coalesce(p.region_name, 'Not stated') as region_name,
    coalesce(p.service_category, 'Not stated') as service_category,
    count(*) as partnerships,
    count(p.savings_gbp) as partnerships_reporting_savings,
    count(*) - count(p.savings_gbp) as partnerships_without_savings,
    coalesce(any_value(m.councils_involved), 0) as councils_involved,
    sum(p.savings_gbp) as savings_gbp,
    sum(p.savings_gbp) filter (where p.savings_basis = 'actual') as savings_actual_gbp,
    sum(p.savings_gbp) filter (where p.savings_basis = 'expected') as savings_expected_gbp
from partnerships as p
left join members as m
    on
        m.edition_year = p.edition_year
        and m.region_name is not distinct from p.region_name
        and m.service_category is not distinct from p.service_category
group by p.edition_year, coalesce(p.region_name, 'Not stated'), coalesce(p.service_category, 'Not stated')
