select order_id
from "gdbt"."main"."stg_order_products_train"
where order_id is null
