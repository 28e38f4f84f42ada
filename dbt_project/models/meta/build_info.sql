-- One row: when this warehouse was built and from what (the fingerprint decides whether the next
-- build may start from a copy of it).
select
    '{{ var("build_fingerprint", "none") }}' as fingerprint,
    '{{ dbt_version }}' as dbt_version,
    current_timestamp as built_at
