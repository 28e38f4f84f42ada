select
    metric_id,
    label as metric_label,
    unit_label as unit,
    period_type,
    polarity,
    source_name,
    try_cast(last_updated as timestamp) as source_last_updated,
    _load_id as load_id,
    _loaded_at as loaded_at
from {{ source('lginform', 'metric_types') }}
