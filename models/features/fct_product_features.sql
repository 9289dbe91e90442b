-- Product-level features: popularity, how often it is reordered, where it sits in a cart.
-- The buyers per product come from fct_user_product_features, which already holds one row
-- per (user, product) with its purchase count: grouping the 32.5 M prior lines by (product,
-- user) again here cost as much as the rest of this model (bench/README.md, issue 19).
with users as (
    select
        product_id,
        count(*) as product_users,
        sum(case when up_times_bought > 1 then 1 else 0 end) as product_repeat_users
    from {{ ref('fct_user_product_features') }}
    group by product_id
)
select
    l.product_id,
    count(*) as product_orders,
    sum(l.reordered) * 1.0 / count(*) as product_reorder_rate,
    avg(l.add_to_cart_order * 1.0) as product_mean_cart_position,
    max(u.product_users) as product_users,
    max(u.product_repeat_users) * 1.0 / max(u.product_users) as product_reorder_probability
from {{ ref('fct_order_products') }} as l
join users as u on u.product_id = l.product_id
group by l.product_id
