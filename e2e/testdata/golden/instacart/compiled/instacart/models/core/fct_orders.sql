-- One row per order with its basket size and reordered items (prior and train orders have
-- baskets; test orders do not, so their counts are null).
with baskets as (
    select order_id, count(*) as basket_size, sum(reordered) as reordered_items
    from "gdbt"."main"."stg_order_products_prior"
    group by order_id
    union all
    select order_id, count(*) as basket_size, sum(reordered) as reordered_items
    from "gdbt"."main"."stg_order_products_train"
    group by order_id
)
select
    o.order_id,
    o.user_id,
    o.eval_set,
    o.order_number,
    o.order_dow,
    o.order_hour_of_day,
    o.days_since_prior_order,
    o.days_since_first_order,
    b.basket_size,
    b.reordered_items
from "gdbt"."main"."dim_orders" as o
left join baskets as b on b.order_id = o.order_id
