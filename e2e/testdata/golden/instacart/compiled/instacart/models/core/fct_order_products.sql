-- Prior basket lines with the order's attributes: the grain every feature aggregates.
select
    op.order_id,
    o.user_id,
    op.product_id,
    op.add_to_cart_order,
    op.reordered,
    o.order_number,
    o.order_dow,
    o.order_hour_of_day,
    o.days_since_first_order
from "gdbt"."main"."stg_order_products_prior" as op
join "gdbt"."main"."dim_orders" as o on o.order_id = op.order_id
where o.eval_set = 'prior'
