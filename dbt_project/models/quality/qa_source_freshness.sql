-- How old each source's newest data is, against its limit in the `source_freshness` seed. Stale is a
-- warning: the overview is still right about what it says, but it is saying less than it should.
with latest as (
    select 'lginform' as source, max(period_end) as latest_data_date, max(loaded_at) as last_loaded_at
    from {{ ref('fct_council_metric_values') }}
    union all
    select 'polls', max(fieldwork_end), max(loaded_at) from {{ ref('fct_poll_answers') }}
    union all
    select 'shared_services', max(edition_date), max(loaded_at)
    from {{ ref('int_shared_services__latest_partnerships') }}
    union all
    select 'ope', max(as_of_date), max(loaded_at) from {{ ref('fct_ope_outputs') }}
)

select
    l.source,
    l.latest_data_date,
    l.last_loaded_at,
    current_date - l.latest_data_date as data_age_days,
    f.max_data_age_days,
    case
        when l.latest_data_date is null then l.source || ': no data'
        when current_date - l.latest_data_date > f.max_data_age_days
            then
                l.source || ': newest data ' || l.latest_data_date || ' is ' || (current_date - l.latest_data_date)
                || ' days old (limit ' || f.max_data_age_days || ')'
    end as stale_source
from latest as l
inner join {{ ref('source_freshness') }} as f on f.source = l.source
