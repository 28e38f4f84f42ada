{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['council_code', 'metric_id', 'period_id'],
    on_schema_change='fail'
) }}
-- Every revision, so an analyst can see what the warehouse said after any earlier load.
select
    council_code,
    metric_id,
    period_id,
    period_start,
    period_end,
    value,
    value_status,
    loaded_at,
    superseded_at,
    load_id,
    source_file
from {{ ref('int_council_metrics__revisions') }}
{% if is_incremental() %}
    where build_id = '{{ invocation_id }}'  -- the revisions of every key this build redid
{% endif %}
