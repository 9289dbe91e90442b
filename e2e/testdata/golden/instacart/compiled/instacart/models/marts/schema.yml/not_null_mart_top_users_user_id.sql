select user_id
from "gdbt"."main"."mart_top_users"
where user_id is null
