{#- Period identifiers: fin_2019_20 (April-March), cal_2019 and cen_2021 (calendar years), q1_2019_20
    (quarters of a financial year: q1 = April-June) and m04_2019 (months). -#}
{% macro period_start(period_id) -%}
    case
        when {{ period_id }} like 'fin\_%' escape '\' then make_date(cast(substr({{ period_id }}, 5, 4) as integer), 4, 1)
        when {{ period_id }} like 'cal\_%' escape '\' or {{ period_id }} like 'cen\_%' escape '\'
            then make_date(cast(substr({{ period_id }}, 5, 4) as integer), 1, 1)
        when {{ period_id }} like 'q_\_%' escape '\' then make_date(
            cast(substr({{ period_id }}, 4, 4) as integer) + (substr({{ period_id }}, 2, 1) = '4')::integer,
            (cast(substr({{ period_id }}, 2, 1) as integer) * 3) % 12 + 1, 1)
        when {{ period_id }} like 'm__\_%' escape '\'
            then make_date(cast(substr({{ period_id }}, 5, 4) as integer), cast(substr({{ period_id }}, 2, 2) as integer), 1)
    end
{%- endmacro %}

{% macro period_end(period_id) -%}
    case
        when {{ period_id }} like 'fin\_%' escape '\' then make_date(cast(substr({{ period_id }}, 5, 4) as integer) + 1, 3, 31)
        when {{ period_id }} like 'cal\_%' escape '\' or {{ period_id }} like 'cen\_%' escape '\'
            then make_date(cast(substr({{ period_id }}, 5, 4) as integer), 12, 31)
        when {{ period_id }} like 'q_\_%' escape '\'
            then cast({{ period_start(period_id) }} + interval 3 month - interval 1 day as date)
        when {{ period_id }} like 'm__\_%' escape '\' then last_day({{ period_start(period_id) }})
    end
{%- endmacro %}

{#- An assessment year (the calendar year a financial year starts in) as a financial-year label: 2019 -> 2019/20. -#}
{% macro fin_year_label(year) -%}
    ({{ year }} || '/' || lpad(cast(({{ year }} + 1) % 100 as varchar), 2, '0'))
{%- endmacro %}
