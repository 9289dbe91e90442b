-- Dashboard tile: the model at a glance.
select
    count(*) as total_predictions,
    count(distinct user_id) as users_scored,
    avg(reorder_probability) as average_score,
    avg(case when reorder_probability >= 0.5 then 1.0 else 0.0 end) as share_above_50,
    max(scored_at) as scored_at
from "gdbt"."main"."instacart_predictions_output"
