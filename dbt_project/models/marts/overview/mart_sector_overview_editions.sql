{{ config(contract={'enforced': false}) }}  -- its columns follow mart_sector_overview's, whose contract is enforced
-- What the overview said when it was published. Past editions come from SLI_HOME/editions (one Parquet
-- file per publish, written by the publish step and never rewritten), so no rebuild loses one; this
-- build's rows become the next edition if the build is published. An overview column added since an
-- edition was published is NULL in it.
{%- set overview_columns = [] -%}
{%- set stored_columns = [] -%}
{%- if execute -%}
    {%- set overview_columns = adapter.get_columns_in_relation(ref('mart_sector_overview')) -%}
    {%- if run_query("select count(*) from glob('editions/*.parquet')").columns[0].values()[0] > 0 -%}
        {%- set stored_columns = run_query(
            "select column_name from (describe select * from read_parquet('editions/*.parquet', union_by_name = true))"
        ).columns[0].values() -%}
    {%- endif -%}
{%- endif %}

with overview as (
    select * from {{ ref('mart_sector_overview') }}
),

this_build as (
    -- The latest quarter completed when the build ran, and any after it (the quarter to date).
    select
        '{{ invocation_id }}' as build_id,
        cast('{{ run_started_at.isoformat() }}' as timestamp with time zone) as published_at,
        *
    from overview
    where quarter_end >= coalesce(
        (
            select max(quarter_end) from overview
            where quarter_end < cast(cast('{{ run_started_at.isoformat() }}' as timestamp with time zone) as date)
        ),
        (select min(quarter_end) from overview)
    )
)

{% if stored_columns %}
    select
        build_id,
        published_at,
        {% for column in overview_columns -%}
            {% if column.name in stored_columns -%}
                {{ adapter.quote(column.name) }}
            {%- else -%}
                cast(null as {{ column.dtype }}) as {{ adapter.quote(column.name) }}
            {%- endif %}{{ "," if not loop.last }}
        {% endfor %}
    from read_parquet('editions/*.parquet', union_by_name = true)
    where build_id <> '{{ invocation_id }}'
    union all
{% endif %}
select * from this_build
