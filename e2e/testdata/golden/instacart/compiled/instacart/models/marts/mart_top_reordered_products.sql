-- Dashboard tile: the products reordered most often in prior orders.
select
    p.product_id,
    p.product_name,
    p.aisle,
    p.department,
    f.product_orders,
    round(f.product_reorder_rate, 4) as reorder_rate,
    cast(f.product_orders * f.product_reorder_rate as integer) as reorders
from "gdbt"."main"."fct_product_features" as f
join "gdbt"."main"."dim_products" as p on p.product_id = f.product_id
order by reorders desc, p.product_id
limit 25
