-- An edition is one workbook: a re-published workbook replaces the earlier load of that edition whole.
select *
from {{ ref('stg_shared_services__partnerships') }}
qualify load_id = arg_max(load_id, loaded_at) over (partition by edition_year)
