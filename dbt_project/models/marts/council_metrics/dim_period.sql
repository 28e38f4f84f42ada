-- Every period a council metric has a value for, with the label people read it by.
select
    period_id,
    period_start,
    period_end,
    {{ period_label('period_id', 'period_start', 'period_end') }} as period_label,
    regexp_extract(period_id, '^([a-z]+)', 1) as period_type
from {{ ref('int_council_metrics__latest_revision') }}
group by period_id, period_start, period_end
