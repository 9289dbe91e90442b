-- Each user's next order (the one to predict): 'train' orders have labels, 'test' do not.
select
    user_id,
    order_id as target_order_id,
    eval_set,
    order_number as target_order_number,
    order_dow as target_order_dow,
    order_hour_of_day as target_order_hour,
    days_since_prior_order as target_days_since_prior,
    days_since_first_order as target_days_since_first
from "gdbt"."main"."dim_orders"
where eval_set in ('train', 'test')
