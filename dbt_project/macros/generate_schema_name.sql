{#- Marts live in the default schema so analysts query them by bare name; other layers by layer name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
