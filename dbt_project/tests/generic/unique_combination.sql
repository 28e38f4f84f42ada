{#- The grain of a model: no two rows share these columns.
    REDONE_BY: the key columns (of int_council_metrics__revisions) by which an incremental model redoes
    its rows. An incremental build then checks only the keys it redid: every other row is the published
    warehouse's, which passed this test when it was built, and rescanning it would make each new quarter
    cost as much as the whole catalogue. -#}
{% test unique_combination(model, columns, redone_by=none) %}
{#- Rendered in either kind of build, so the test's parsed dependencies never depend on the flags. -#}
{%- set redone = revised_in_this_build(redone_by) if redone_by else none %}
{%- set key = columns | join(', ') %}
with checked as not materialized (
    select {{ key }}
    from {{ model }}
    {% if redone and not flags.FULL_REFRESH -%}
        where ({{ redone_by | join(', ') }}) in ({{ redone }})
    {% endif -%}
),

-- Grouped by one 64-bit hash of the key first (at the catalogue's scale two to three times faster than by
-- its text columns); only keys that share a hash, every duplicate and any rare collision, are then
-- grouped by the columns themselves.
shared_hashes as (
    select hash({{ key }}) as key_hash
    from checked
    group by key_hash
    having count(*) > 1
)

select {{ key }}, count(*) as n_rows
from checked
where hash({{ key }}) in (select key_hash from shared_hashes)
group by {{ key }}
having count(*) > 1
{% endtest %}
