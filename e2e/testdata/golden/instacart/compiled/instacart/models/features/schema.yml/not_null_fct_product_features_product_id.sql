select product_id
from "gdbt"."main"."fct_product_features"
where product_id is null
