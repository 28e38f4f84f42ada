-- The LGA's improvement support per council and financial year, as its annual report counts it: peer
-- challenges (corporate ones among them) and other support, by the year each piece started.
with engagements as (
    select
        *,
        year(start_date) - case when month(start_date) < 4 then 1 else 0 end as financial_year_start
    from {{ ref('int_improvement_support__latest_engagements') }}
)

select
    e.council_code,
    c.council_name,
    {{ fin_year_label('e.financial_year_start') }} as financial_year,
    e.financial_year_start,
    count(*) as support_started,
    count(*) filter (where e.is_peer_challenge) as peer_challenges,
    count(*) filter (where e.is_corporate_peer_challenge) as corporate_peer_challenges,
    count(*) filter (where not e.is_peer_challenge) as other_support,
    count(e.report_published) as reports_published,
    string_agg(distinct e.support_type, '; ' order by e.support_type) as support_types
from engagements as e
inner join {{ ref('dim_council') }} as c on c.council_code = e.council_code
group by e.council_code, c.council_name, e.financial_year_start
