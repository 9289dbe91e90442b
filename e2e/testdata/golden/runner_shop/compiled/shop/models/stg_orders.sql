select id, customer_id, amount from "gdbt"."main"."orders"
