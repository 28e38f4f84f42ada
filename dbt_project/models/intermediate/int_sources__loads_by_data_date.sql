{{ config(materialized='table') }}  -- a few hundred rows, read by the freshness of now and of each quarter
-- Each source's data dates (a period's end, a poll's fieldwork end, a map edition's date, an OPE as-of
-- date) with the last load that supplied data for that date: freshness at any point in time is read here.
select
    'lginform' as source,
    period_end as data_date,
    max(loaded_at) as last_loaded_at
from {{ ref('int_council_metrics__latest_revision') }}
group by period_end
union all
select
    'polls',
    fieldwork_end,
    max(loaded_at)
from (
    select fieldwork_end, loaded_at from {{ ref('int_polls__latest_answers') }}
    union all
    select fieldwork_end, loaded_at from {{ ref('stg_polls__headlines') }}
)
group by fieldwork_end
union all
select
    'shared_services',
    edition_date,
    max(loaded_at)
from {{ ref('int_shared_services__latest_partnerships') }}
group by edition_date
union all
select
    'ope',
    as_of_date,
    max(loaded_at)
from {{ ref('int_ope__latest_outputs') }}
group by as_of_date
