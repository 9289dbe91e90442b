select order_id
from "gdbt"."main"."fct_orders"
where order_id is null
