select product_id
from "gdbt"."main"."fct_order_products"
where product_id is null
