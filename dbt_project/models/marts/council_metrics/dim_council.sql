select
    council_code,
    council_name,
    council_type,
    nullif(upper_tier_code, '') as upper_tier_code,
    region_code,
    region_name,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    nullif(successor_code, '') as successor_code
from {{ ref('council_register') }}
