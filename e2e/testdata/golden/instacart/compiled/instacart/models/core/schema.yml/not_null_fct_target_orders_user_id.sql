select user_id
from "gdbt"."main"."fct_target_orders"
where user_id is null
