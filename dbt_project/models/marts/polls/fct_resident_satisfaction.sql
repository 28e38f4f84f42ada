-- Headline share = the two positive answers; 95% margin of error and a two-proportion z-test
-- against the previous round that asked the same question.
with rounds as (
    select
        a.round_number,
        a.fieldwork_start,
        a.fieldwork_end,
        a.question_code as indicator_code,
        q.indicator_label,
        q.question_group,
        a.base_n,
        sum(a.percent) filter (where a.answer_group = 'positive') as pct_satisfied
    from {{ ref('fct_poll_answers') }} as a
    inner join {{ ref('poll_questions') }} as q on q.question_code = a.question_code
    group by all
),

compared as (
    select
        *,
        lag(pct_satisfied) over (partition by indicator_code order by round_number) as previous_pct,
        lag(base_n) over (partition by indicator_code order by round_number) as previous_base_n
    from rounds
),

tested as (
    select
        *,
        (pct_satisfied * base_n + previous_pct * previous_base_n) / (base_n + previous_base_n) / 100 as pooled_p
    from compared
)

select
    round_number,
    fieldwork_start,
    fieldwork_end,
    indicator_code,
    indicator_label,
    question_group,
    pct_satisfied,
    base_n,
    100 * 1.96 * sqrt((pct_satisfied / 100) * (1 - pct_satisfied / 100) / base_n) as margin_of_error_pp,
    pct_satisfied - previous_pct as change_pp,
    case
        when previous_pct is null then null
        else
            abs((pct_satisfied - previous_pct) / 100)
            > 1.96 * sqrt(pooled_p * (1 - pooled_p) * (1.0 / base_n + 1.0 / previous_base_n))
    end as is_significant_change
from tested
