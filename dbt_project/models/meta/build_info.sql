-- One row: when this warehouse was built and from what (the fingerprint decides whether the next
-- build may start from a copy of it; with the raw digest, whether a refresh has anything to do).
select
    '{{ var("build_fingerprint", "none") }}' as fingerprint,
    '{{ var("raw_digest", "none") }}' as raw_digest,
    '{{ dbt_version }}' as dbt_version,
    current_timestamp as built_at
