{#- The values councils are compared on, stated once for fct_council_benchmarks and its nearest-neighbour
    statistics: basket metrics, within the council types each metric applies to. An incremental build takes
    only the metric-periods whose values it revised: every other group is unchanged. -#}
{% macro comparable_values() %}
    select
        v.council_code,
        v.metric_id,
        v.period_id,
        v.period_start,
        v.period_end,
        v.value,
        c.council_type,
        c.region_name,
        m.polarity
    from {{ ref('fct_council_metric_values') }} as v
    inner join {{ ref('dim_council') }} as c on c.council_code = v.council_code
    inner join {{ ref('dim_metric') }} as m on m.metric_id = v.metric_id
    {% if is_incremental() %}
        inner join (
            {{ revised_in_this_build(['metric_id', 'period_id']) }}
        ) as touched on touched.metric_id = v.metric_id and touched.period_id = v.period_id
    {% endif %}
    where m.in_basket and (m.applies_to is null or list_contains(string_split(m.applies_to, '|'), c.council_type))
{% endmacro %}
