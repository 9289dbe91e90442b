select distinct customer_id from "gdbt"."main"."customers"
