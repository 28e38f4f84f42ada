select
    round_number,
    fieldwork_start,
    fieldwork_end,
    base_n,
    question_code,
    question_text,
    answer_option,
    percent,
    value_status,
    _load_id as load_id,
    _source_file as source_file,
    _source_row as source_row,
    _loaded_at as loaded_at
from {{ source('polls', 'answers') }}
