-- One row per (user, product bought in a prior order). Recency is true recency: orders and
-- days since the product was LAST bought, the days taken from the cumulative
-- days_since_prior_order (the seed pipeline took MAX(days_since_prior_order) instead).
-- up_streak counts the user's most recent consecutive orders that contain the product.
-- The counts use count(), not sum(case ... 1 else 0): DuckDB sums integers into HUGEINT,
-- whose columns cost 3 s of the 4.5 s read of the full-scale training table; count() is BIGINT.
-- The streak's parts are dispatched per engine (macros/recent_streak.sql): DuckDB's needs
-- no window over the prior lines.
with users as (
    select user_id, user_orders, user_last_prior_day
    from {{ ref('fct_user_features') }}
),
lines as (
    select
        l.user_id,
        l.product_id,
        l.order_number,
        l.add_to_cart_order,
        l.reordered,
        l.days_since_first_order,
        u.user_orders,
        u.user_last_prior_day
        {{ recent_streak_rank('l.user_id', 'l.product_id', 'l.order_number') }}
    from {{ ref('fct_order_products') }} as l
    join users as u on u.user_id = l.user_id
),
per_pair as (
    select
        user_id,
        product_id,
        count(*) as up_times_bought,
        sum(reordered) as up_times_reordered,
        sum(reordered) * 1.0 / count(*) as up_reorder_rate,
        min(order_number) as up_first_order_number,
        max(order_number) as up_last_order_number,
        max(user_orders) - max(order_number) as up_orders_since_last,
        max(user_last_prior_day) - max(days_since_first_order) as up_days_since_last,
        {{ recent_streak_state('order_number', 'user_orders') }} as up_streak_state,
        avg(add_to_cart_order * 1.0) as up_mean_cart_position,
        max(case when order_number = user_orders then 1 else 0 end) as up_in_last_1,
        count(case when order_number > user_orders - 3 then 1 end) as up_in_last_3,
        count(case when order_number > user_orders - 5 then 1 end) as up_in_last_5,
        count(*) * 1.0 / max(user_orders) as up_order_share,
        count(*) * 1.0 / (max(user_orders) - min(order_number) + 1) as up_rate_since_first
    from lines
    group by user_id, product_id
)
select
    user_id,
    product_id,
    up_times_bought,
    up_times_reordered,
    up_reorder_rate,
    up_first_order_number,
    up_last_order_number,
    up_orders_since_last,
    up_days_since_last,
    {{ recent_streak('up_streak_state') }} as up_streak,
    up_mean_cart_position,
    up_in_last_1,
    up_in_last_3,
    up_in_last_5,
    up_order_share,
    up_rate_since_first
from per_pair
