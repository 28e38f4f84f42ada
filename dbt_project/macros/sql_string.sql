{#- A value as a SQL string literal, quotes doubled: configuration values never become SQL. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}
