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
-- Only the keys whose revisions this build redid (see int_council_metrics__revisions).
    where (council_code, metric_id, period_id) in (
        select distinct council_code, metric_id, period_id from {{ ref('int_council_metrics__revisions') }}
        where build_id = '{{ invocation_id }}'
    )
{% endif %}
