select product_id
from "gdbt"."main"."stg_products"
where product_id is null
