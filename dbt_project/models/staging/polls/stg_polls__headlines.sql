select
    round_number,
    fieldwork_start,
    fieldwork_end,
    base_n,
    indicator_code,
    pct_satisfied,
    value_status,
    _load_id as load_id,
    _source_file as source_file,
    _source_row as source_row,
    _loaded_at as loaded_at
from {{ source('polls', 'headlines') }}
