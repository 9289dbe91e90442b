
select reorder_probability
from "gdbt"."main"."eval_validation_predictions"
where reorder_probability < 0 or reorder_probability > 1
