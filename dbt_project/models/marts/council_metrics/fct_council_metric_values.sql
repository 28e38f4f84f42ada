-- depends_on: {{ ref('int_council_metrics__revisions') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['council_code', 'metric_id', 'period_id'],
    on_schema_change='fail'
) }}
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
{% if is_incremental() %}
    where (council_code, metric_id, period_id) in (
        {{ revised_in_this_build(['council_code', 'metric_id', 'period_id']) }}
    )
{% endif %}
