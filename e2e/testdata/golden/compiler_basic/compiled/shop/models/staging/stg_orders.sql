
select id as order_id, customer_id, amount, status from "gdbt"."main_raw"."raw_orders"
