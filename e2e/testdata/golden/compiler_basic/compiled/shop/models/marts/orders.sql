
-- depends_on: "gdbt"."main"."stg_customers"
with __dbt__cte__stg_orders as (
select id as order_id, customer_id, amount, status from "gdbt"."main_raw"."raw_orders"
), big as (
  select * from __dbt__cte__stg_orders where amount >= 10
)
select order_id, customer_id, (amount * 100)::bigint as amount_cents, status
from big
