select
    council_code,
    metric_id,
    period_id,
    period_start,
    period_end,
    value,
    value_status,
    loaded_at
from {{ ref('int_council_metrics__latest_revision') }}
