-- How old each source's newest data is, against the limit its declaration sets. Stale is a
-- warning: the overview is still right about what it says, but it is saying less than it should.
with latest as (
    select * from {{ ref('int_sources__freshness') }}
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
inner join {{ source('config', 'declared_sources') }} as f on f.source = l.source
