-- User-level features over prior orders: how often, how much and how habitually they shop.
with prior_orders as (
    select * from "gdbt"."main"."fct_orders" where eval_set = 'prior'
),
lines as (
    select
        user_id,
        count(*) as user_lines,
        count(distinct product_id) as user_distinct_products,
        sum(case when order_number > 1 then reordered else 0 end) as user_reordered_lines,
        sum(case when order_number > 1 then 1 else 0 end) as user_lines_after_first
    from "gdbt"."main"."fct_order_products"
    group by user_id
)
select
    o.user_id,
    count(*) as user_orders,
    max(o.days_since_first_order) as user_last_prior_day,
    avg(o.days_since_prior_order) as user_mean_days_between,
    avg(o.basket_size * 1.0) as user_mean_basket,
    max(l.user_distinct_products) as user_distinct_products,
    max(l.user_reordered_lines) * 1.0 / nullif(max(l.user_lines_after_first), 0) as user_reorder_ratio
from prior_orders as o
join lines as l on l.user_id = o.user_id
group by o.user_id
