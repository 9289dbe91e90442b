select order_id
from "gdbt"."main"."stg_orders"
where order_id is null
