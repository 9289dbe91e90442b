
select order_id, (order_id * 100) as amount from "gdbt"."main"."stg_orders"
