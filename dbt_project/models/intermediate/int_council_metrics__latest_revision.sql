-- Sources revise history: every load is kept, the latest load of a value wins here.
select
    council_code,
    metric_id,
    period_id,
    period_start,
    period_end,
    value,
    value_status,
    loaded_at,
    load_id,
    build_id
from {{ ref('int_council_metrics__revisions') }}
where superseded_at is null
