select label
from "gdbt"."main"."instacart_training_input"
where label is null
