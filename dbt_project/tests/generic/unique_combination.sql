{#- The grain of a model: no two rows share these columns.
    REDONE_BY: the key columns (of int_council_metrics__revisions) by which an incremental model redoes
    its rows. An incremental build then checks only the keys it redid: every other row is the published
    warehouse's, which passed this test when it was built, and rescanning it would make each new quarter
    cost as much as the whole catalogue. -#}
{% test unique_combination(model, columns, redone_by=none) %}
{#- Rendered in either kind of build, so the test's parsed dependencies never depend on the flags. -#}
{%- set redone = revised_in_this_build(redone_by) if redone_by else none %}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
{% if redone and not flags.FULL_REFRESH -%}
    where ({{ redone_by | join(', ') }}) in ({{ redone }})
{% endif -%}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
