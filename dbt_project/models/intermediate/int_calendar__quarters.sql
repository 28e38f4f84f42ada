{{ config(materialized='table') }}  -- read by several models: computed once per build
-- Calendar quarters from the baseline (the first financial year covered) to the quarter of the newest data
-- of the sources that feed the overview's figures (a source that does not cannot add a quarter to it).
with latest as (
    select max(f.latest_data_date) as latest_data_date
    from {{ ref('int_sources__freshness') }} as f
    inner join {{ source('config', 'declared_sources') }} as s on s.source = f.source
    where s.feeds_overview
)

select
    strftime(quarter_start, '%Y') || '-Q' || quarter(quarter_start) as quarter_id,
    cast(quarter_start as date) as quarter_start,
    cast(quarter_start + interval 3 month - interval 1 day as date) as quarter_end
-- The alias `t` is unused but names the range's column.
from latest,
    range(
        date '{{ var("baseline_period_start") }}', date_trunc('quarter', latest_data_date) + interval 1 day,
        interval 3 month
    ) as t (quarter_start)  -- noqa: AL05
