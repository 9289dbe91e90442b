-- Every order with its place in the user's history. days_since_first_order accumulates
-- days_since_prior_order, so the gap between any two orders of a user is a difference of
-- this column (the basis of the true-recency features).
select
    order_id,
    user_id,
    eval_set,
    order_number,
    order_dow,
    order_hour_of_day,
    days_since_prior_order,
    sum(coalesce(days_since_prior_order, 0)) over (
        partition by user_id order by order_number
        rows between unbounded preceding and current row
    ) as days_since_first_order,
    case when order_number = 1 then 1 else 0 end as is_first_order
from "gdbt"."main"."stg_orders"
