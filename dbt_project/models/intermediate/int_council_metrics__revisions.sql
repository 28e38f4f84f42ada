{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['council_code', 'metric_id', 'period_id'],
    on_schema_change='fail'
) }}
-- Every loaded value of a registered council, with when it was loaded and when a later load replaced it.
-- Reorganisations: a value counts only for periods that start while the council existed, so an abolished
-- council's series stays under its own code and a successor's history starts at its start date.
-- A missing value of a metric whose metadata says nullAsZero is the publisher's zero: 0 with status `null_as_zero`.
-- Incremental: a build on a copy of the last warehouse redoes only the keys that later loads touched,
-- and stamps them with its invocation id so later models can redo only what this build changed.
with loaded as (
    select
        v.council_code,
        v.metric_id,
        v.period_id,
        v.period_start,
        v.period_end,
        case when v.value_status = 'missing' and m.null_as_zero then 0 else v.value end as value,
        case when v.value_status = 'missing' and m.null_as_zero then 'null_as_zero' else v.value_status end
            as value_status,
        v.loaded_at,
        v.load_id,
        v.source_file,
        cast(c.start_date as date) as council_start_date,
        cast(c.end_date as date) as council_end_date
    from {{ ref('stg_lginform__metric_values') }} as v
    inner join {{ ref('council_register') }} as c on c.council_code = v.council_code
    left join {{ ref('int_metrics__catalogue') }} as m on m.metric_id = v.metric_id
    {% if is_incremental() %}
        inner join (
            select distinct council_code, metric_id, period_id
            from {{ ref('stg_lginform__metric_values') }}
            where load_id not in (select distinct load_id from {{ this }})
        ) as touched
            on
                touched.council_code = v.council_code and touched.metric_id = v.metric_id
                and touched.period_id = v.period_id
    {% endif %}
)

select
    council_code,
    metric_id,
    period_id,
    period_start,
    period_end,
    value,
    value_status,
    loaded_at,
    lead(loaded_at) over (
        partition by council_code, metric_id, period_id order by loaded_at, load_id
    ) as superseded_at,
    load_id,
    source_file,
    '{{ invocation_id }}' as build_id
from loaded
where
    period_start >= coalesce(council_start_date, date '1900-01-01')
    and period_start <= coalesce(council_end_date, date '9999-12-31')
