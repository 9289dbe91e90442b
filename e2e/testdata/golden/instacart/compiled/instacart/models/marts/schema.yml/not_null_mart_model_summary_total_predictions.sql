select total_predictions
from "gdbt"."main"."mart_model_summary"
where total_predictions is null
