
select reorder_probability
from "gdbt"."main"."instacart_predictions_output"
where reorder_probability < 0 or reorder_probability > 1
