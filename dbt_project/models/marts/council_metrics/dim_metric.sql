select
    metric_id,
    metric_label,
    original_label,
    service_area,
    unit,
    polarity,
    applies_to,
    in_basket,
    is_discontinued,
    null_as_zero,
    output_precision,
    source,
    has_loaded_metadata
from {{ ref('int_metrics__catalogue') }}
