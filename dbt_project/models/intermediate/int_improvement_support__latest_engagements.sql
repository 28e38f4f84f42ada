-- Each list sent is the list as it stands: the latest load of a council's piece of support (its type and
-- start date) wins, so a record corrected or completed later (an end date, a report) replaces the earlier.
select *
from {{ ref('stg_improvement_support__engagements') }}
qualify row_number() over (
    partition by council_code, support_type, start_date order by loaded_at desc, load_id desc
) = 1
