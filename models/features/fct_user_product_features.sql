-- One row per (user, product bought in a prior order). Recency is true recency: orders and
-- days since the product was LAST bought, the days taken from the cumulative
-- days_since_prior_order (the seed pipeline took MAX(days_since_prior_order) instead).
-- up_streak counts the user's most recent consecutive orders that contain the product.
-- The counts use count(), not sum(case ... 1 else 0): DuckDB sums integers into HUGEINT,
-- whose columns cost 3 s of the 4.5 s read of the full-scale training table; count() is BIGINT.
-- The streak's parts are dispatched per engine (macros/recent_streak.sql): DuckDB's needs
-- no window over the prior lines, and its state also gives up_in_last_1/3/5 (see there).
-- Each user's prior-order count and last prior day come from dim_orders (3.2 M orders), not
-- from fct_user_features, which is built from this model's rows. They are group keys, not
-- aggregates: one value per user, so the groups are the same and the 13.4 M full-scale
-- groups carry two fewer states (bench/README.md, issue 19).
with users as (
    select
        user_id,
        count(*) as user_orders,
        max(days_since_first_order) as user_last_prior_day
    from {{ ref('dim_orders') }}
    where eval_set = 'prior'
    group by user_id
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
        user_orders,
        user_last_prior_day,
        count(*) as up_times_bought,
        sum(reordered) as up_times_reordered,
        min(order_number) as up_first_order_number,
        max(order_number) as up_last_order_number,
        max(days_since_first_order) as up_last_day,
        avg(add_to_cart_order * 1.0) as up_mean_cart_position,
        {{ recent_streak_state('order_number', 'user_orders') }}
    from lines
    group by user_id, product_id, user_orders, user_last_prior_day
)
select
    user_id,
    product_id,
    {{ recent_streak_checked_count('up_times_bought') }} as up_times_bought,
    up_times_reordered,
    up_times_reordered * 1.0 / up_times_bought as up_reorder_rate,
    up_first_order_number,
    up_last_order_number,
    user_orders - up_last_order_number as up_orders_since_last,
    user_last_prior_day - up_last_day as up_days_since_last,
    {{ recent_streak() }} as up_streak,
    up_mean_cart_position,
    {{ recent_in_last(1) }} as up_in_last_1,
    {{ recent_in_last(3) }} as up_in_last_3,
    {{ recent_in_last(5) }} as up_in_last_5,
    up_times_bought * 1.0 / user_orders as up_order_share,
    up_times_bought * 1.0 / (user_orders - up_first_order_number + 1) as up_rate_since_first
from per_pair
