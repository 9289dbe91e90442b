-- Dashboard tile: how predicted reorder probabilities are distributed, in 10-point buckets.
select
    least(cast(floor(reorder_probability * 10) as integer), 9) as bucket,
    cast(least(cast(floor(reorder_probability * 10) as integer), 9) * 10 as varchar)
        || '-' || cast(least(cast(floor(reorder_probability * 10) as integer), 9) * 10 + 10 as varchar)
        || '%' as bucket_label,
    count(*) as predictions
from "gdbt"."main"."instacart_predictions_output"
group by 1, 2
