select order_id
from "gdbt"."main"."dim_orders"
where order_id is null
