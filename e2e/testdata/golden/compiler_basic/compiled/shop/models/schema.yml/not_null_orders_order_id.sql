select order_id
from "gdbt"."main_marts"."orders"
where order_id is null
