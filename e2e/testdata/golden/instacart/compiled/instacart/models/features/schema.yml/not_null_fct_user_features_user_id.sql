select user_id
from "gdbt"."main"."fct_user_features"
where user_id is null
