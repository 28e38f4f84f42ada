select
    edition_year,
    make_date(edition_year, 4, 1) as edition_date,
    partnership_name,
    description,
    councils_named,
    council_codes,
    unresolved_councils,
    region_name,
    service_category,
    status,
    savings_gbp,
    savings_status,
    savings_basis,
    _load_id as load_id,
    _source_file as source_file,
    _source_row as source_row,
    _loaded_at as loaded_at
from {{ source('shared_services', 'partnerships') }}
