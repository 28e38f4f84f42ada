-- The basket (configuration) says which metrics count and where they apply; LG Inform's metadata
-- supplies label, unit and polarity when it has been loaded.
with metadata as (
    select *
    from {{ ref('stg_lginform__metric_types') }}
    qualify row_number() over (partition by metric_id order by loaded_at desc, load_id desc) = 1
)

select
    cast(b.metric_id as varchar) as metric_id,
    coalesce(m.metric_label, b.metric_label) as metric_label,
    b.service_area,
    coalesce(m.unit, b.unit) as unit,
    coalesce(m.polarity, b.polarity) as polarity,
    b.applies_to,
    case when m.metric_id is null then 'basket' else 'lginform' end as source
from {{ ref('metric_basket') }} as b
left join metadata as m on m.metric_id = cast(b.metric_id as varchar)
