select
    a.round_number,
    a.fieldwork_start,
    a.fieldwork_end,
    a.base_n,
    a.question_code,
    a.answer_option,
    o.answer_group,
    a.percent,
    a.value_status,
    a.loaded_at
from {{ ref('int_polls__latest_answers') }} as a
left join {{ ref('poll_answer_options') }} as o on o.answer_option = a.answer_option
