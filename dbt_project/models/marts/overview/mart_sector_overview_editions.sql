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

build as (
    select
        '{{ invocation_id }}' as build_id,
        cast('{{ run_started_at }}' as timestamp with time zone) as published_at
),

-- The latest quarter completed when the build ran, and any after it (the quarter to date).
first_quarter_shown as (
    select
        coalesce(
            max(o.quarter_end) filter (where o.quarter_end < cast(b.published_at as date)), min(o.quarter_end)
        ) as quarter_end
    from overview as o
    cross join build as b
    group by b.published_at
),

this_build as (
    select
        b.build_id,
        b.published_at,
        o.*
    from overview as o
    cross join build as b
    inner join first_quarter_shown as f on o.quarter_end >= f.quarter_end
)

{% if stored_columns %}
    {%- set stored_select = ['build_id', 'published_at'] -%}
    {%- for column in overview_columns -%}
        {%- if column.name in stored_columns -%}
            {%- do stored_select.append(adapter.quote(column.name)) -%}
        {%- else -%}
            {%- do stored_select.append('cast(null as ' ~ column.dtype ~ ') as ' ~ adapter.quote(column.name)) -%}
        {%- endif -%}
    {%- endfor %}
    select {{ stored_select | join(', ') }}
    from read_parquet('editions/*.parquet', union_by_name = true)
    where build_id <> '{{ invocation_id }}'
    union all
{% endif %}
select * from this_build
