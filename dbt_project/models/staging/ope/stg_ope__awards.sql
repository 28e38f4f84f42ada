select
    partnership_name,
    funding_round,
    fund,
    award_gbp,
    value_status,
    _load_id as load_id,
    _source_file as source_file,
    _source_row as source_row,
    _loaded_at as loaded_at
from {{ source('ope', 'awards') }}
