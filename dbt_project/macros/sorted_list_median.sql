{# The median of a list already sorted ascending (NULL when empty): the middle value, or the mean of the
   two middle values, as DuckDB's median() gives. #}
{% macro sorted_list_median(sorted_list) -%}
    case when len({{ sorted_list }}) > 0 then
        ({{ sorted_list }}[(len({{ sorted_list }}) + 1) // 2] + {{ sorted_list }}[len({{ sorted_list }}) // 2 + 1]) / 2
    end
{%- endmacro %}
