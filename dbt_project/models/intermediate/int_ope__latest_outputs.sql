select *
from {{ ref('stg_ope__outputs') }}
qualify row_number() over (
    partition by measure, basis, scope, partnership_name, as_of_date order by loaded_at desc, load_id desc
) = 1
