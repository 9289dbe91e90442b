-- Calibration by score decile: a well-calibrated model's mean score tracks the observed rate.
with v as (
    select label, reorder_probability, ntile(10) over (order by reorder_probability) as decile
    from "gdbt"."main"."eval_validation_predictions"
)
select
    decile,
    count(*) as n_rows,
    avg(reorder_probability) as mean_predicted,
    avg(label * 1.0) as observed_rate,
    min(reorder_probability) as min_score,
    max(reorder_probability) as max_score
from v
group by decile
