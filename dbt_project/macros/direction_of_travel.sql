{#- Improving / worsening by polarity; increasing / decreasing where a metric has none. -#}
{% macro direction_of_travel(baseline, latest, polarity) -%}
    case
        when {{ baseline }} is null or {{ latest }} is null then null
        when abs({{ latest }} - {{ baseline }}) <= abs({{ baseline }}) * {{ var('direction_tolerance') }} then 'no_change'
        when {{ polarity }} = 'high_is_good' then case when {{ latest }} > {{ baseline }} then 'improving' else 'worsening' end
        when {{ polarity }} = 'low_is_good' then case when {{ latest }} < {{ baseline }} then 'improving' else 'worsening' end
        else case when {{ latest }} > {{ baseline }} then 'increasing' else 'decreasing' end
    end
{%- endmacro %}
