select user_orders
from "gdbt"."main"."fct_user_features"
where user_orders is null
