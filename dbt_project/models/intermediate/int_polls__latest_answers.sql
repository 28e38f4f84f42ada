-- A round re-published with corrections replaces the earlier load of that round.
select *
from {{ ref('stg_polls__answers') }}
qualify row_number() over (
    partition by round_number, question_code, answer_option order by loaded_at desc, load_id desc
) = 1
