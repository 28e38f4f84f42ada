{#- The keys (COLUMNS of int_council_metrics__revisions) whose revisions this build redid: an incremental
    fact redoes only those. int_council_metrics__revisions stamps each row it redoes with the build's id. -#}
{% macro revised_in_this_build(columns) %}
    select distinct {{ columns | join(', ') }}
    from {{ ref('int_council_metrics__revisions') }}
    where build_id = '{{ invocation_id }}'
{% endmacro %}
