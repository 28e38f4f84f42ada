{{ config(materialized='table') }}  -- a few hundred rows, read by the freshness of now and of each quarter
-- Each source's data dates (a period's end, a poll's fieldwork end, a map edition's date, an OPE as-of
-- date: each raw table's `data_date` in its source entry) with the last load that supplied data for that
-- date: freshness at any point in time is read here. Every declared source's table that gives a data
-- date is read, so a new source is counted here by its source entry alone. The graph is read when the model
-- runs, not when dbt parses it, so dbt's lineage does not list these sources as its parents.
{%- set tables = [] %}
{%- if execute %}
    {%- for node in graph.sources.values() | sort(attribute='unique_id') if node.meta.get('data_date') %}
        {%- do tables.append(node) %}
    {%- endfor %}
{%- endif %}
{%- for node in tables %}
    select
        {{ sql_string(node.source_name) }} as source,
        {{ node.meta['data_date'] }} as data_date,
        max(_loaded_at) as last_loaded_at
    from {{ source(node.source_name, node.name) }}
    where ({{ node.meta['data_date'] }}) is not null
    group by all
    {%- if not loop.last %}
        union all
    {%- endif %}
{%- endfor %}
{%- if not tables %}
    -- Parsing: the graph is read when the model runs.
    select null::varchar as source, null::date as data_date, null::timestamptz as last_loaded_at
{%- endif %}
