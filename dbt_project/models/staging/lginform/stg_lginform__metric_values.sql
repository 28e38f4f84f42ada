select
    area_code as council_code,
    area_status as council_code_status,
    metric_id,
    period_id,
    period_label,
    period_start,
    period_end,
    value,
    value_status,
    source_format,
    _load_id as load_id,
    _source_file as source_file,
    _source_row as source_row,
    _loaded_at as loaded_at
from {{ source('lginform', 'values') }}
