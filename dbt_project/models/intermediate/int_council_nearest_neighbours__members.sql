{{ config(materialized="table") }}
-- A table, not a view: the benchmarks join it twice, and with its real size known DuckDB joins it first.
-- The councils each nearest-neighbour group compares, with the periods they count for. A listed neighbour
-- abolished in a reorganisation counts for periods starting before the change, and its successors from then
-- on, so a list made before the change keeps its size. The council is a member of its own group. A council
-- whose list names no neighbour has no group.
with listed as (
    select
        council_code,
        neighbour_code,
        neighbour_succeeded_on,
        neighbour_successor_codes
    from {{ ref('dim_council_nearest_neighbours') }}
    where neighbour_code is not null
),

windows as (
    select
        council_code,
        neighbour_code as member_code,
        cast(null as date) as counts_from,
        neighbour_succeeded_on as counts_until
    from listed
    union all
    select
        l.council_code,
        successor.code as member_code,
        l.neighbour_succeeded_on as counts_from,
        null as counts_until
    from listed as l, unnest(l.neighbour_successor_codes) as successor (code)
    where successor.code <> l.council_code
    union all
    select distinct
        council_code,
        council_code as member_code,
        null as counts_from,
        null as counts_until
    from listed
)

-- One window per member: a council both listed and succeeding a listed one counts throughout.
select
    council_code as focus_code,
    member_code,
    case when bool_or(counts_from is null) then null else min(counts_from) end as counts_from,
    case when bool_or(counts_until is null) then null else max(counts_until) end as counts_until
from windows
group by council_code, member_code
