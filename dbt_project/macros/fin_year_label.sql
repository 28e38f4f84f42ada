{#- An assessment year (the calendar year a financial year starts in) as a financial-year label: 2019 -> 2019/20. -#}
{% macro fin_year_label(year) -%}
    ({{ year }} || '/' || lpad(cast(({{ year }} + 1) % 100 as varchar), 2, '0'))
{%- endmacro %}
