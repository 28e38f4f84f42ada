-- The basket (configuration: the home's basket file or the `metric_basket` seed, the rows of the `basket`
-- var) says which metrics the overview tracks and
-- where they apply; loaded metadata (LG Inform, or a long-format file's measures) supplies label, unit
-- and polarity, and brings in metrics outside the basket, which are kept but not counted in the headline.
with metadata as (
    select *
    from {{ ref('stg_lginform__metric_types') }}
    qualify row_number() over (partition by metric_id order by loaded_at desc, load_id desc) = 1
),

basket as (
    select *
    from {{ source('config', 'metric_basket') }}
    where basket = {{ sql_string(var('basket')) }}
),

final as (
    select
        coalesce(cast(b.metric_id as varchar), m.metric_id) as metric_id,
        coalesce(m.metric_label, b.metric_label) as metric_label,
        m.original_label,
        b.service_area,
        coalesce(m.unit, b.unit) as unit,
        -- A file that states no polarity (ONS, an explorer measure without rank_order) leaves it to the basket.
        coalesce(m.polarity, b.polarity, 'not_applicable') as polarity,
        b.applies_to,
        b.metric_id is not null as in_basket,
        coalesce(m.is_discontinued, false) as is_discontinued,
        coalesce(m.null_as_zero, false) as null_as_zero,
        m.output_precision,
        coalesce(m.metric_source, b.source) as source,
        m.metric_id is not null as has_loaded_metadata
    from basket as b
    full outer join metadata as m on m.metric_id = cast(b.metric_id as varchar)
)

select * from final
