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
    -- Every revision of a key this build redid carries the build's id: a filter that skips, by its stored
    -- bounds, every block of the catalogue written by earlier builds.
    where build_id = '{{ invocation_id }}'
{% endif %}
