-- Sources revise history: every load is kept in raw, the latest load of a value wins here.
select
    council_code,
    metric_id,
    period_id,
    {{ period_start('period_id') }} as period_start,
    {{ period_end('period_id') }} as period_end,
    value,
    value_status,
    loaded_at,
    load_id
from {{ ref('stg_lginform__metric_values') }}
qualify row_number() over (
    partition by council_code, metric_id, period_id order by loaded_at desc, load_id desc
) = 1
