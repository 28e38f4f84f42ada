-- A type naming a peer challenge or a peer review is one (the LGA counts both in its peer challenges).
select
    council_code,
    council_name,
    support_type,
    regexp_matches(lower(support_type), 'peer (challenge|review)') as is_peer_challenge,
    starts_with(lower(support_type), 'corporate peer challenge') as is_corporate_peer_challenge,
    start_date,
    end_date,
    report_published,
    _load_id as load_id,
    _source_file as source_file,
    _source_row as source_row,
    _loaded_at as loaded_at
from {{ source('improvement_support', 'engagements') }}
