-- Product-level features: popularity, how often it is reordered, where it sits in a cart.
-- The buyers per product come from fct_user_product_features, which already holds one row
-- per (user, product) with its purchase count: grouping the 32.5 M prior lines by (product,
-- user) again here cost as much as the rest of this model (bench/README.md, issue 19). The
-- lines are counted per product before the buyers are joined on (49,666 rows at full scale,
-- not 32.5 M).
with users as (
    select
        product_id,
        count(*) as product_users,
        sum(case when up_times_bought > 1 then 1 else 0 end) as product_repeat_users
    from "gdbt"."main"."fct_user_product_features"
    group by product_id
),
lines as (
    select
        product_id,
        count(*) as product_orders,
        sum(reordered) as product_reorders,
        avg(add_to_cart_order * 1.0) as product_mean_cart_position
    from "gdbt"."main"."fct_order_products"
    group by product_id
)
select
    l.product_id,
    l.product_orders,
    l.product_reorders * 1.0 / l.product_orders as product_reorder_rate,
    l.product_mean_cart_position,
    u.product_users,
    u.product_repeat_users * 1.0 / u.product_users as product_reorder_probability
from lines as l
join users as u on u.product_id = l.product_id
