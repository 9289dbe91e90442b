select user_id
from "gdbt"."main"."stg_orders"
where user_id is null
