select product_id
from "gdbt"."main"."dim_products"
where product_id is null
