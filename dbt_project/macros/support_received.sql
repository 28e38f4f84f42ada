{#- The LGA's improvement support a council received in the three years to a date (started after the date
    three years before, and by the date), stated once for mart_councils_at_risk (to the build) and
    fct_council_at_risk_by_quarter (to each quarter's end). -#}
{% macro support_within_three_years(start_date, as_of) -%}
    ({{ start_date }} > {{ as_of }} - interval 3 year and {{ start_date }} <= {{ as_of }})
{%- endmacro %}

{#- Those pieces as pages print them: `type (month year)`, `; `-separated by start date. -#}
{% macro support_list(support_type, start_date) -%}
    string_agg(
        {{ support_type }} || ' (' || strftime({{ start_date }}, '%B %Y') || ')', '; '
        order by {{ start_date }}, {{ support_type }}
    )
{%- endmacro %}
