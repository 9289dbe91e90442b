-- Every (user, product bought before) pair with all features and the target order's
-- context: the rows the model scores, for train and test users alike.
-- A view: its readers (the training split, the scoring of every candidate, the evaluation)
-- each read it once, and joining the small user, product and target-order tables onto
-- fct_user_product_features costs less than writing and rereading 13.4 M rows x 27 columns
-- at full scale (bench/README.md, issue 19).
{{ config(materialized='view') }}
select
    up.user_id,
    up.product_id,
    t.target_order_id,
    t.eval_set,
    -- user
    u.user_orders,
    u.user_mean_basket,
    coalesce(u.user_mean_days_between, 0) as user_mean_days_between,
    coalesce(u.user_reorder_ratio, 0) as user_reorder_ratio,
    -- product
    p.product_orders,
    ln(1 + p.product_orders) as product_orders_log,
    p.product_reorder_rate,
    p.product_reorder_probability,
    p.product_mean_cart_position,
    -- user x product
    up.up_times_bought,
    up.up_reorder_rate,
    up.up_orders_since_last,
    up.up_days_since_last + coalesce(t.target_days_since_prior, 0) as up_days_since_last,
    up.up_streak,
    up.up_mean_cart_position,
    up.up_in_last_1,
    up.up_in_last_3,
    up.up_in_last_5,
    up.up_order_share,
    up.up_rate_since_first,
    -- target order
    t.target_order_hour,
    t.target_order_dow,
    coalesce(t.target_days_since_prior, 0) as target_days_since_prior
from {{ ref('fct_user_product_features') }} as up
join {{ ref('fct_user_features') }} as u on u.user_id = up.user_id
join {{ ref('fct_product_features') }} as p on p.product_id = up.product_id
join {{ ref('fct_target_orders') }} as t on t.user_id = up.user_id
