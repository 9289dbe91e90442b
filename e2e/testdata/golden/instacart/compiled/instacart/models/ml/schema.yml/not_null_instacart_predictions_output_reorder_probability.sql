select reorder_probability
from "gdbt"."main"."instacart_predictions_output"
where reorder_probability is null
