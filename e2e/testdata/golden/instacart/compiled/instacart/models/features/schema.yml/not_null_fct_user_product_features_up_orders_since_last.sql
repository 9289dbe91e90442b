select up_orders_since_last
from "gdbt"."main"."fct_user_product_features"
where up_orders_since_last is null
