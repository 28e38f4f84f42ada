select metric_id, metric_label, service_area, unit, polarity, applies_to, source
from {{ ref('int_metrics__catalogue') }}
