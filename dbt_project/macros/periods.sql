{#- LG Inform period identifiers: fin_2019_20 (April-March), cal_2019 and cen_2021 (calendar years). -#}
{% macro period_start(period_id) -%}
    case
        when {{ period_id }} like 'fin\_%' escape '\' then make_date(cast(substr({{ period_id }}, 5, 4) as integer), 4, 1)
        when {{ period_id }} like 'cal\_%' escape '\' or {{ period_id }} like 'cen\_%' escape '\'
            then make_date(cast(substr({{ period_id }}, 5, 4) as integer), 1, 1)
    end
{%- endmacro %}

{% macro period_end(period_id) -%}
    case
        when {{ period_id }} like 'fin\_%' escape '\' then make_date(cast(substr({{ period_id }}, 5, 4) as integer) + 1, 3, 31)
        when {{ period_id }} like 'cal\_%' escape '\' or {{ period_id }} like 'cen\_%' escape '\'
            then make_date(cast(substr({{ period_id }}, 5, 4) as integer), 12, 31)
    end
{%- endmacro %}
