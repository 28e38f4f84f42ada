{#- The two at-risk rules, stated once for mart_councils_at_risk (now) and fct_council_at_risk_by_quarter
    (each quarter): enough metrics, and a large enough share of them in the bottom quartile or worsening. -#}
{% macro flagged_bottom_quartile(metrics_assessed, metrics_bottom_quartile) -%}
    coalesce(
        {{ metrics_assessed }} >= {{ var('at_risk_min_metrics') }}
        and {{ metrics_bottom_quartile }} >= {{ var('at_risk_bottom_quartile_share') }} * {{ metrics_assessed }},
        false
    )
{%- endmacro %}

{% macro flagged_worsening(metrics_with_direction, metrics_worsening) -%}
    coalesce(
        {{ metrics_with_direction }} >= {{ var('at_risk_min_metrics') }}
        and {{ metrics_worsening }} >= {{ var('at_risk_worsening_share') }} * {{ metrics_with_direction }},
        false
    )
{%- endmacro %}
