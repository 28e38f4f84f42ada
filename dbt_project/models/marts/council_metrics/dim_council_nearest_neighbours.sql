-- Each council's comparator group of nearest neighbours: from the latest loaded list that names the council,
-- so a later file covering some councils replaces only their groups. Codes outside the register are dropped
-- (a neighbour the warehouse holds no values for compares nothing).
select
    n.council_code,
    c.council_name,
    n.neighbour_code,
    nc.council_name as neighbour_name,
    n.neighbour_rank,
    n.neighbour_set,
    n.load_id,
    n.loaded_at
from {{ ref('stg_lginform__nearest_neighbours') }} as n
inner join {{ ref('dim_council') }} as c on c.council_code = n.council_code
inner join {{ ref('dim_council') }} as nc on nc.council_code = n.neighbour_code
qualify n.load_id = arg_max(n.load_id, n.loaded_at) over (partition by n.council_code)
