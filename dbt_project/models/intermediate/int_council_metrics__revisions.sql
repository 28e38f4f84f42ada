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
with
{% if is_incremental() %}
    -- The loads since the last build, and the keys they hold: a handful of loads against the catalogue's.
    new_loads as materialized (
        select distinct load_id from {{ ref('stg_lginform__metric_values') }}
        except
        select distinct load_id from {{ this }}
    ),

    touched as materialized (
        select distinct v.council_code, v.metric_id, v.period_id
        from {{ ref('stg_lginform__metric_values') }} as v
        semi join new_loads as n on n.load_id = v.load_id
    ),
{% endif %}

-- Read three times below: materialized when it holds only the touched keys' loads (an incremental
-- build), recomputed each time when it holds the whole catalogue, which would otherwise spill in full.
loaded as {{ 'materialized' if is_incremental() else 'not materialized' }} (
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
        v.source_file
    from {{ ref('stg_lginform__metric_values') }} as v
    inner join {{ ref('council_register') }} as c on c.council_code = v.council_code
    left join {{ ref('int_metrics__catalogue') }} as m on m.metric_id = v.metric_id
    {% if is_incremental() %}
        inner join touched as t
            on t.council_code = v.council_code and t.metric_id = v.metric_id and t.period_id = v.period_id
    {% endif %}
    where
        v.period_start >= coalesce(cast(c.start_date as date), date '1900-01-01')
        and v.period_start <= coalesce(cast(c.end_date as date), date '9999-12-31')
),

-- Only a metric-period that more than one load holds can have a value superseded. Ordering every value
-- by key to find its successor would sort the whole catalogue (at LG Inform scale, 110 million rows
-- spilling over 10 GB) to find, in a full build, almost none.
revised_metric_periods as (
    select metric_id, period_id
    from loaded
    group by metric_id, period_id
    having count(distinct load_id) > 1
)

select
    l.council_code,
    l.metric_id,
    l.period_id,
    l.period_start,
    l.period_end,
    l.value,
    l.value_status,
    l.loaded_at,
    lead(l.loaded_at) over (
        partition by l.council_code, l.metric_id, l.period_id order by l.loaded_at, l.load_id
    ) as superseded_at,
    l.load_id,
    l.source_file,
    '{{ invocation_id }}' as build_id
from loaded as l
semi join revised_metric_periods as r on r.metric_id = l.metric_id and r.period_id = l.period_id

union all

select
    l.council_code,
    l.metric_id,
    l.period_id,
    l.period_start,
    l.period_end,
    l.value,
    l.value_status,
    l.loaded_at,
    cast(null as timestamptz) as superseded_at,
    l.load_id,
    l.source_file,
    '{{ invocation_id }}' as build_id
from loaded as l
anti join revised_metric_periods as r on r.metric_id = l.metric_id and r.period_id = l.period_id
