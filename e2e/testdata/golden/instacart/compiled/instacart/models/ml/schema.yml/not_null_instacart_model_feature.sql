select feature
from "gdbt"."main"."instacart_model"
where feature is null
