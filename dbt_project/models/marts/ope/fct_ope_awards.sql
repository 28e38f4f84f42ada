-- Funding awarded to One Public Estate partnerships: the latest load of each award (a re-published table
-- replaces the figures it repeats).
select
    partnership_name,
    funding_round,
    fund,
    award_gbp,
    value_status,
    loaded_at
from {{ ref('stg_ope__awards') }}
qualify row_number() over (
    partition by partnership_name, funding_round, fund order by loaded_at desc, load_id desc
) = 1
