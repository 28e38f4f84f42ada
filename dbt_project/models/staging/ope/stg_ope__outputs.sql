select
    measure,
    value,
    value_status,
    unit,
    basis,
    scope,
    partnership_name,
    as_of_date,
    _load_id as load_id,
    _source_file as source_file,
    _source_row as source_row,
    _loaded_at as loaded_at
from {{ source('ope', 'outputs') }}
