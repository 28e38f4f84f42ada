-- One row per partnership and resolved member council (names the register could not resolve stay on the
-- partnership, in unresolved_councils).
select
    p.edition_year,
    p.partnership_name,
    p.region_name,
    p.service_category,
    p.savings_gbp,
    trim(t.council_code) as council_code
from {{ ref('int_shared_services__latest_partnerships') }} as p,
    unnest(string_split(p.council_codes, ';')) as t (council_code)
where p.council_codes is not null
