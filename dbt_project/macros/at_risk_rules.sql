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

{#- Why a council is flagged, in the words its pages print: each rule it meets with its own figures and the
    rule's thresholds; NULL when it is not flagged. -#}
{% macro flagged_because(metrics_assessed, metrics_bottom_quartile, metrics_with_direction, metrics_worsening) -%}
    nullif(concat_ws(
        '; and ',
        case when {{ flagged_bottom_quartile(metrics_assessed, metrics_bottom_quartile) }} then
            {{ metrics_bottom_quartile }} || ' of ' || {{ metrics_assessed }}
            || ' basket metrics in the bottom quartile (the rule: '
            || '{{ (var("at_risk_bottom_quartile_share") | float * 100) | round | int }}% or more of at least '
            || '{{ var("at_risk_min_metrics") }})'
        end,
        case when {{ flagged_worsening(metrics_with_direction, metrics_worsening) }} then
            {{ metrics_worsening }} || ' of ' || {{ metrics_with_direction }}
            || ' basket metrics worsening since the baseline (the rule: '
            || '{{ (var("at_risk_worsening_share") | float * 100) | round | int }}% or more of at least '
            || '{{ var("at_risk_min_metrics") }})'
        end
    ), '')
{%- endmacro %}
