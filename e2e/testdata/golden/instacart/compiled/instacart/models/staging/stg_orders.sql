-- Orders with explicit types: the raw CSV stores days_since_prior_order as text like "15.0"
-- and leaves it empty for a user's first order.
select
    cast(order_id as integer) as order_id,
    cast(user_id as integer) as user_id,
    cast(eval_set as varchar) as eval_set,
    cast(order_number as integer) as order_number,
    cast(order_dow as integer) as order_dow,
    cast(order_hour_of_day as integer) as order_hour_of_day,
    cast(days_since_prior_order as double) as days_since_prior_order
from read_csv_auto('<project>/data/instacart_sample/orders.csv.gz')
