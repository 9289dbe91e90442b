-- User-level features over prior orders: how often, how much and how habitually they shop.
-- Nothing here reads the 32.5 M prior lines again (bench/README.md, issue 19): a user's
-- distinct products are their rows of fct_user_product_features, and the lines and reorders
-- after the first order are sums of fct_orders' per-order basket_size and reordered_items
-- (the prior lines counted per order, the same lines fct_order_products holds).
with prior_orders as (
    select * from {{ ref('fct_orders') }} where eval_set = 'prior'
),
products as (
    select user_id, count(*) as user_distinct_products
    from {{ ref('fct_user_product_features') }}
    group by user_id
)
select
    o.user_id,
    count(*) as user_orders,
    max(o.days_since_first_order) as user_last_prior_day,
    avg(o.days_since_prior_order) as user_mean_days_between,
    avg(o.basket_size * 1.0) as user_mean_basket,
    max(p.user_distinct_products) as user_distinct_products,
    sum(case when o.order_number > 1 then o.reordered_items else 0 end) * 1.0
        / nullif(sum(case when o.order_number > 1 then o.basket_size else 0 end), 0) as user_reorder_ratio
from prior_orders as o
join products as p on p.user_id = o.user_id
group by o.user_id
