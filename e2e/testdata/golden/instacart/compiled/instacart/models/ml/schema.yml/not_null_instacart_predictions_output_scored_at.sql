select scored_at
from "gdbt"."main"."instacart_predictions_output"
where scored_at is null
