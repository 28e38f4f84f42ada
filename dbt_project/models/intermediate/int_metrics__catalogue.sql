-- The basket (configuration) says which metrics the overview tracks and where they apply; loaded
-- metadata (LG Inform, or a long-format file's measures) supplies label, unit and polarity, and
-- brings in metrics outside the basket, which are kept but not counted in the sector headline.
with metadata as (
    select *
    from {{ ref('stg_lginform__metric_types') }}
    qualify row_number() over (partition by metric_id order by loaded_at desc, load_id desc) = 1
)

select
    coalesce(cast(b.metric_id as varchar), m.metric_id) as metric_id,
    coalesce(m.metric_label, b.metric_label) as metric_label,
    b.service_area,
    coalesce(m.unit, b.unit) as unit,
    coalesce(m.polarity, b.polarity) as polarity,
    b.applies_to,
    b.metric_id is not null as in_basket,
    case when m.metric_id is null then 'basket' else 'lginform' end as source
from {{ ref('metric_basket') }} as b
full outer join metadata as m on m.metric_id = cast(b.metric_id as varchar)
