-- The partnerships each council is in, per edition. Savings belong to partnerships, not councils: the
-- figure here is the partnerships' total and is never summed across councils.
select
    m.edition_year,
    m.council_code,
    c.council_name,
    count(*) as partnerships,
    string_agg(m.partnership_name, '; ' order by m.partnership_name) as partnership_names,
    count(m.savings_gbp) as partnerships_reporting_savings,
    sum(m.savings_gbp) as partnerships_savings_gbp
from {{ ref('int_shared_services__council_memberships') }} as m
inner join {{ ref('dim_council') }} as c on c.council_code = m.council_code
group by m.edition_year, m.council_code, c.council_name
