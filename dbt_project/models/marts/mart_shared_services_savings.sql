-- Savings are cumulative within an edition: figures are per edition and never summed across them.
with partnerships as (
    select edition_year, partnership_name, council_codes, savings_gbp
    from {{ ref('int_shared_services__latest_partnerships') }}
),

members as (
    select edition_year, count(distinct trim(council_code)) as councils_involved
    from partnerships, unnest(string_split(council_codes, ';')) as t(council_code)
    group by edition_year
)

select
    p.edition_year,
    count(*) as partnerships,
    count(p.savings_gbp) as partnerships_reporting_savings,
    count(*) - count(p.savings_gbp) as partnerships_without_savings,
    m.councils_involved,
    coalesce(sum(p.savings_gbp), 0) as total_savings_gbp
from partnerships as p
inner join members as m on m.edition_year = p.edition_year
group by p.edition_year, m.councils_involved
