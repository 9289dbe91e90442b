select product_id
from "gdbt"."main"."mart_top_reordered_products"
where product_id is null
