select
    measure,
    basis,
    scope,
    partnership_name,
    as_of_date,
    value,
    value_status,
    unit,
    (
        basis = 'achieved'
        and as_of_date = max(as_of_date) filter (where basis = 'achieved')
            over (partition by measure, scope, partnership_name)
    ) as is_latest_achieved,
    loaded_at
from {{ ref('int_ope__latest_outputs') }}
