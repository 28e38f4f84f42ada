-- One row: when this warehouse was built and from what (the fingerprint decides whether the next
-- build may start from a copy of it; with the raw digest, whether a refresh has anything to do).
-- Environment variables, not --vars: changing vars makes dbt parse the whole project again.
select
    {{ sql_string(env_var("SLI_BUILD_FINGERPRINT", "none")) }} as fingerprint,
    {{ sql_string(env_var("SLI_RAW_DIGEST", "none")) }} as raw_digest,
    '{{ dbt_version }}' as dbt_version,
    current_timestamp as built_at
