{{ config(materialized='table') }}  -- four rows, read by the calendar, the overview and the freshness check
-- Each source's newest data and last load: the one place freshness is measured.
select
    'lginform' as source,
    max(period_end) as latest_data_date,
    max(loaded_at) as last_loaded_at
from {{ ref('int_council_metrics__latest_revision') }}
union all
select
    'polls',
    max(fieldwork_end),
    max(loaded_at)
from {{ ref('int_polls__latest_answers') }}
union all
select
    'shared_services',
    max(edition_date),
    max(loaded_at)
from {{ ref('int_shared_services__latest_partnerships') }}
union all
select
    'ope',
    max(as_of_date),
    max(loaded_at)
from {{ ref('int_ope__latest_outputs') }}
