select weight
from "gdbt"."main"."instacart_model"
where weight is null
