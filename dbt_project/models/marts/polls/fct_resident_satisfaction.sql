-- Headline share = the two positive answers (or, for a round published only as headlines, the share it
-- states); 95% margin of error and a two-proportion z-test
-- against the previous round that reported the question (a round that left it blank is passed over).
-- A change across a gap (a missing round number, or more than six months between fieldworks) says so.
with answered as (
    select
        a.round_number,
        a.fieldwork_start,
        a.fieldwork_end,
        a.question_code as indicator_code,
        q.indicator_label,
        q.question_group,
        a.base_n,
        sum(a.percent) filter (where a.answer_group = 'positive') as pct_satisfied,
        false as is_headline_only
    from {{ ref('fct_poll_answers') }} as a
    inner join {{ ref('poll_questions') }} as q on q.question_code = a.question_code
    group by all
),

-- A round's answers, where loaded, are its record; its headline alone fills in only where they are not.
headlines as (
    select
        h.round_number,
        h.fieldwork_start,
        h.fieldwork_end,
        h.indicator_code,
        q.indicator_label,
        q.question_group,
        h.base_n,
        h.pct_satisfied,
        true as is_headline_only
    from {{ ref('stg_polls__headlines') }} as h
    inner join {{ ref('poll_questions') }} as q on q.question_code = h.indicator_code
    where
        not exists (
            select 1 from answered as a
            where a.round_number = h.round_number and a.indicator_code = h.indicator_code
        )
    qualify row_number() over (
        partition by h.round_number, h.indicator_code order by h.loaded_at desc, h.load_id desc
    ) = 1
),

rounds as (
    select * from answered
    union all
    select * from headlines
),

compared as (
    select
        *,
        last_value(pct_satisfied ignore nulls) over earlier as previous_pct,
        last_value(case when pct_satisfied is not null then base_n end ignore nulls) over earlier as previous_base_n,
        last_value(case when pct_satisfied is not null then round_number end ignore nulls) over earlier
            as previous_round_number,
        last_value(case when pct_satisfied is not null then fieldwork_end end ignore nulls) over earlier
            as previous_fieldwork_end
    from rounds
    window earlier as (
        partition by indicator_code order by round_number rows between unbounded preceding and 1 preceding
    )
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
    is_headline_only,
    base_n,
    100 * 1.96 * sqrt((pct_satisfied / 100) * (1 - pct_satisfied / 100) / base_n) as margin_of_error_pp,
    pct_satisfied - previous_pct as change_pp,
    previous_round_number,
    previous_fieldwork_end,
    case
        when previous_round_number is not null
            then round_number - previous_round_number > 1 or previous_fieldwork_end + interval 6 month < fieldwork_end
    end as is_change_across_gap,
    case
        when previous_pct is null then null
        else
            abs((pct_satisfied - previous_pct) / 100)
            > 1.96 * sqrt(pooled_p * (1 - pooled_p) * (1.0 / base_n + 1.0 / previous_base_n))
    end as is_significant_change
from tested
