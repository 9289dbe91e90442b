-- The product step: for every user and every product they bought before, the probability
-- that the product is in the user's next order (train and test users alike).
with scored as (
    select
    r.*,
    1.0 / (1.0 + exp(-least(greatest(
      m.w__intercept
      + coalesce((cast(r.user_orders as double) - m.mean__user_orders) / m.std__user_orders, 0) * m.w__user_orders
      + coalesce((cast(r.user_mean_basket as double) - m.mean__user_mean_basket) / m.std__user_mean_basket, 0) * m.w__user_mean_basket
      + coalesce((cast(r.user_mean_days_between as double) - m.mean__user_mean_days_between) / m.std__user_mean_days_between, 0) * m.w__user_mean_days_between
      + coalesce((cast(r.user_reorder_ratio as double) - m.mean__user_reorder_ratio) / m.std__user_reorder_ratio, 0) * m.w__user_reorder_ratio
      + coalesce((cast(r.product_orders_log as double) - m.mean__product_orders_log) / m.std__product_orders_log, 0) * m.w__product_orders_log
      + coalesce((cast(r.product_reorder_rate as double) - m.mean__product_reorder_rate) / m.std__product_reorder_rate, 0) * m.w__product_reorder_rate
      + coalesce((cast(r.product_reorder_probability as double) - m.mean__product_reorder_probability) / m.std__product_reorder_probability, 0) * m.w__product_reorder_probability
      + coalesce((cast(r.product_mean_cart_position as double) - m.mean__product_mean_cart_position) / m.std__product_mean_cart_position, 0) * m.w__product_mean_cart_position
      + coalesce((cast(r.up_times_bought as double) - m.mean__up_times_bought) / m.std__up_times_bought, 0) * m.w__up_times_bought
      + coalesce((cast(r.up_reorder_rate as double) - m.mean__up_reorder_rate) / m.std__up_reorder_rate, 0) * m.w__up_reorder_rate
      + coalesce((cast(r.up_orders_since_last as double) - m.mean__up_orders_since_last) / m.std__up_orders_since_last, 0) * m.w__up_orders_since_last
      + coalesce((cast(r.up_days_since_last as double) - m.mean__up_days_since_last) / m.std__up_days_since_last, 0) * m.w__up_days_since_last
      + coalesce((cast(r.up_streak as double) - m.mean__up_streak) / m.std__up_streak, 0) * m.w__up_streak
      + coalesce((cast(r.up_mean_cart_position as double) - m.mean__up_mean_cart_position) / m.std__up_mean_cart_position, 0) * m.w__up_mean_cart_position
      + coalesce((cast(r.up_in_last_1 as double) - m.mean__up_in_last_1) / m.std__up_in_last_1, 0) * m.w__up_in_last_1
      + coalesce((cast(r.up_in_last_3 as double) - m.mean__up_in_last_3) / m.std__up_in_last_3, 0) * m.w__up_in_last_3
      + coalesce((cast(r.up_in_last_5 as double) - m.mean__up_in_last_5) / m.std__up_in_last_5, 0) * m.w__up_in_last_5
      + coalesce((cast(r.up_order_share as double) - m.mean__up_order_share) / m.std__up_order_share, 0) * m.w__up_order_share
      + coalesce((cast(r.up_rate_since_first as double) - m.mean__up_rate_since_first) / m.std__up_rate_since_first, 0) * m.w__up_rate_since_first
      + coalesce((cast(r.target_order_hour as double) - m.mean__target_order_hour) / m.std__target_order_hour, 0) * m.w__target_order_hour
      + coalesce((cast(r.target_order_dow as double) - m.mean__target_order_dow) / m.std__target_order_dow, 0) * m.w__target_order_dow
      + coalesce((cast(r.target_days_since_prior as double) - m.mean__target_days_since_prior) / m.std__target_days_since_prior, 0) * m.w__target_days_since_prior
    , -35), 35))) as reorder_probability
  from "gdbt"."main"."fct_reorder_candidates" as r
  cross join (
    select
      max(case when feature = '(intercept)' then weight end) as w__intercept,
      max(case when feature = 'user_orders' then weight end) as w__user_orders,
      max(case when feature = 'user_orders' then mean end) as mean__user_orders,
      max(case when feature = 'user_orders' then std end) as std__user_orders,
      max(case when feature = 'user_mean_basket' then weight end) as w__user_mean_basket,
      max(case when feature = 'user_mean_basket' then mean end) as mean__user_mean_basket,
      max(case when feature = 'user_mean_basket' then std end) as std__user_mean_basket,
      max(case when feature = 'user_mean_days_between' then weight end) as w__user_mean_days_between,
      max(case when feature = 'user_mean_days_between' then mean end) as mean__user_mean_days_between,
      max(case when feature = 'user_mean_days_between' then std end) as std__user_mean_days_between,
      max(case when feature = 'user_reorder_ratio' then weight end) as w__user_reorder_ratio,
      max(case when feature = 'user_reorder_ratio' then mean end) as mean__user_reorder_ratio,
      max(case when feature = 'user_reorder_ratio' then std end) as std__user_reorder_ratio,
      max(case when feature = 'product_orders_log' then weight end) as w__product_orders_log,
      max(case when feature = 'product_orders_log' then mean end) as mean__product_orders_log,
      max(case when feature = 'product_orders_log' then std end) as std__product_orders_log,
      max(case when feature = 'product_reorder_rate' then weight end) as w__product_reorder_rate,
      max(case when feature = 'product_reorder_rate' then mean end) as mean__product_reorder_rate,
      max(case when feature = 'product_reorder_rate' then std end) as std__product_reorder_rate,
      max(case when feature = 'product_reorder_probability' then weight end) as w__product_reorder_probability,
      max(case when feature = 'product_reorder_probability' then mean end) as mean__product_reorder_probability,
      max(case when feature = 'product_reorder_probability' then std end) as std__product_reorder_probability,
      max(case when feature = 'product_mean_cart_position' then weight end) as w__product_mean_cart_position,
      max(case when feature = 'product_mean_cart_position' then mean end) as mean__product_mean_cart_position,
      max(case when feature = 'product_mean_cart_position' then std end) as std__product_mean_cart_position,
      max(case when feature = 'up_times_bought' then weight end) as w__up_times_bought,
      max(case when feature = 'up_times_bought' then mean end) as mean__up_times_bought,
      max(case when feature = 'up_times_bought' then std end) as std__up_times_bought,
      max(case when feature = 'up_reorder_rate' then weight end) as w__up_reorder_rate,
      max(case when feature = 'up_reorder_rate' then mean end) as mean__up_reorder_rate,
      max(case when feature = 'up_reorder_rate' then std end) as std__up_reorder_rate,
      max(case when feature = 'up_orders_since_last' then weight end) as w__up_orders_since_last,
      max(case when feature = 'up_orders_since_last' then mean end) as mean__up_orders_since_last,
      max(case when feature = 'up_orders_since_last' then std end) as std__up_orders_since_last,
      max(case when feature = 'up_days_since_last' then weight end) as w__up_days_since_last,
      max(case when feature = 'up_days_since_last' then mean end) as mean__up_days_since_last,
      max(case when feature = 'up_days_since_last' then std end) as std__up_days_since_last,
      max(case when feature = 'up_streak' then weight end) as w__up_streak,
      max(case when feature = 'up_streak' then mean end) as mean__up_streak,
      max(case when feature = 'up_streak' then std end) as std__up_streak,
      max(case when feature = 'up_mean_cart_position' then weight end) as w__up_mean_cart_position,
      max(case when feature = 'up_mean_cart_position' then mean end) as mean__up_mean_cart_position,
      max(case when feature = 'up_mean_cart_position' then std end) as std__up_mean_cart_position,
      max(case when feature = 'up_in_last_1' then weight end) as w__up_in_last_1,
      max(case when feature = 'up_in_last_1' then mean end) as mean__up_in_last_1,
      max(case when feature = 'up_in_last_1' then std end) as std__up_in_last_1,
      max(case when feature = 'up_in_last_3' then weight end) as w__up_in_last_3,
      max(case when feature = 'up_in_last_3' then mean end) as mean__up_in_last_3,
      max(case when feature = 'up_in_last_3' then std end) as std__up_in_last_3,
      max(case when feature = 'up_in_last_5' then weight end) as w__up_in_last_5,
      max(case when feature = 'up_in_last_5' then mean end) as mean__up_in_last_5,
      max(case when feature = 'up_in_last_5' then std end) as std__up_in_last_5,
      max(case when feature = 'up_order_share' then weight end) as w__up_order_share,
      max(case when feature = 'up_order_share' then mean end) as mean__up_order_share,
      max(case when feature = 'up_order_share' then std end) as std__up_order_share,
      max(case when feature = 'up_rate_since_first' then weight end) as w__up_rate_since_first,
      max(case when feature = 'up_rate_since_first' then mean end) as mean__up_rate_since_first,
      max(case when feature = 'up_rate_since_first' then std end) as std__up_rate_since_first,
      max(case when feature = 'target_order_hour' then weight end) as w__target_order_hour,
      max(case when feature = 'target_order_hour' then mean end) as mean__target_order_hour,
      max(case when feature = 'target_order_hour' then std end) as std__target_order_hour,
      max(case when feature = 'target_order_dow' then weight end) as w__target_order_dow,
      max(case when feature = 'target_order_dow' then mean end) as mean__target_order_dow,
      max(case when feature = 'target_order_dow' then std end) as std__target_order_dow,
      max(case when feature = 'target_days_since_prior' then weight end) as w__target_days_since_prior,
      max(case when feature = 'target_days_since_prior' then mean end) as mean__target_days_since_prior,
      max(case when feature = 'target_days_since_prior' then std end) as std__target_days_since_prior
    from "gdbt"."main"."instacart_model"
  ) as m

)
select
    user_id,
    product_id,
    target_order_id,
    eval_set,
    reorder_probability,
    now() as scored_at
from scored
