select
    council_code,
    neighbour_code,
    neighbour_rank,
    neighbour_set,
    _load_id as load_id,
    _loaded_at as loaded_at
from {{ source('lginform', 'nearest_neighbours') }}
