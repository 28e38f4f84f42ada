select
    edition_year,
    -- An edition counts from its publication date when the file gives one, else from 1 April of its year.
    coalesce(published_on, make_date(edition_year, 4, 1)) as edition_date,
    published_on is not null as is_dated_by_publication,
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
    stated_total_savings_gbp,
    _load_id as load_id,
    _source_file as source_file,
    _source_row as source_row,
    _loaded_at as loaded_at
from {{ source('shared_services', 'partnerships') }}
