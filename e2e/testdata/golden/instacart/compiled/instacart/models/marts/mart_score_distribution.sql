-- Dashboard tile: how predicted reorder probabilities are distributed, in 10-point buckets.
-- The rows are counted per bucket number first and the label is built for the ten buckets:
-- grouping the 13.4 M full-scale rows by the label string as well formatted it for every row.
with buckets as (
    select
        least(cast(floor(reorder_probability * 10) as integer), 9) as bucket,
        count(*) as predictions
    from "gdbt"."main"."instacart_predictions_output"
    group by 1
)
select
    bucket,
    cast(bucket * 10 as varchar)
        || '-' || cast(bucket * 10 + 10 as varchar)
        || '%' as bucket_label,
    predictions
from buckets
