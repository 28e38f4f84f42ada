select metric_id, metric_label, service_area, unit, polarity, applies_to, in_basket, source
from {{ ref('int_metrics__catalogue') }}
