select *
from {{ ref('stg_shared_services__partnerships') }}
qualify row_number() over (
    partition by edition_year, partnership_name order by loaded_at desc, load_id desc
) = 1
