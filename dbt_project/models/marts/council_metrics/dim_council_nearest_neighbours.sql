-- Each council's comparator group of nearest neighbours: from the latest loaded list that names the council,
-- so a later file covering some councils replaces only their groups. Codes outside the register are dropped
-- (a neighbour the warehouse holds no values for compares nothing). A council whose list names no neighbour
-- keeps one row with no neighbour, so it is said, not lost. A neighbour abolished since carries its successors,
-- who count in its place from the change (int_council_nearest_neighbours__members).
with successors as (
    select
        s.predecessor_code,
        min(cast(s.effective_date as date)) as succeeded_on,
        list(s.successor_code order by s.successor_code) as successor_codes,
        string_agg(c.council_name, ' and ' order by c.council_name) as successor_names
    from {{ ref('council_successions') }} as s
    inner join {{ ref('dim_council') }} as c on c.council_code = s.successor_code
    group by s.predecessor_code
)

select
    n.council_code,
    c.council_name,
    n.neighbour_code,
    nc.council_name as neighbour_name,
    n.neighbour_rank,
    s.succeeded_on as neighbour_succeeded_on,
    s.successor_codes as neighbour_successor_codes,
    s.successor_names as neighbour_successor_names,
    n.neighbour_set,
    n.load_id,
    n.loaded_at
from {{ ref('stg_lginform__nearest_neighbours') }} as n
inner join {{ ref('dim_council') }} as c on c.council_code = n.council_code
left join {{ ref('dim_council') }} as nc on nc.council_code = n.neighbour_code
left join successors as s on s.predecessor_code = n.neighbour_code
where n.neighbour_code is null or nc.council_code is not null
qualify n.load_id = arg_max(n.load_id, n.loaded_at) over (partition by n.council_code)
