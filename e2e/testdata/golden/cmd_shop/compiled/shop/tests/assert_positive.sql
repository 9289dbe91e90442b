select * from "gdbt"."main"."dim_orders" where amount < 0
