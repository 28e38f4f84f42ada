select
    metric_id,
    label as metric_label,
    original_label,
    alternative_labels,
    unit_label as unit,
    period_type,
    polarity,
    discontinued as is_discontinued,
    null_as_zero,
    output_precision,
    source as metric_source,
    source_name,
    try_cast(last_updated as timestamp) as source_last_updated,
    _load_id as load_id,
    _loaded_at as loaded_at
from {{ source('lginform', 'metric_types') }}
