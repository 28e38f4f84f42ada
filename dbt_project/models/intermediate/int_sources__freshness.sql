{{ config(materialized='table') }}  -- one row per source, read by the calendar, the overview and the freshness check
-- Each source's newest data and last load, now: the same reading int_sources__loads_by_data_date gives
-- any quarter. A source with nothing loaded has a row with NULLs, so its absence is shown, never dropped.
select
    s.source,
    max(d.data_date) as latest_data_date,
    max(d.last_loaded_at) as last_loaded_at
from {{ source('config', 'declared_sources') }} as s
left join {{ ref('int_sources__loads_by_data_date') }} as d on d.source = s.source
group by s.source
