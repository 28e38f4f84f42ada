{{ config(materialized='table') }}  -- read by several models: computed once per build
-- Calendar quarters from the first financial year covered to the quarter of the newest data.
with latest as (
    select greatest(
        (select max(period_end) from {{ ref('int_council_metrics__latest_revision') }}),
        (select max(fieldwork_end) from {{ ref('stg_polls__answers') }}),
        (select max(edition_date) from {{ ref('stg_shared_services__partnerships') }}),
        (select max(as_of_date) from {{ ref('stg_ope__outputs') }})
    ) as latest_data_date
)

select
    strftime(quarter_start, '%Y') || '-Q' || quarter(quarter_start) as quarter_id,
    cast(quarter_start as date) as quarter_start,
    cast(quarter_start + interval 3 month - interval 1 day as date) as quarter_end
-- The alias `t` is unused but names the range's column.
from latest,
    range(
        date '2010-04-01', date_trunc('quarter', latest_data_date) + interval 1 day, interval 3 month
    ) as t (quarter_start)  -- noqa: AL05
