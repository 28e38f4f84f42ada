select
    metric_id,
    label as metric_label,
    unit_label as unit,
    period_type,
    case polarity
        when 'High value is good' then 'high_is_good'
        when 'Low value is good' then 'low_is_good'
        else 'not_applicable'
    end as polarity,
    try_cast(last_updated as timestamp) as source_last_updated,
    _load_id as load_id,
    _loaded_at as loaded_at
from {{ source('lginform', 'metric_types') }}
