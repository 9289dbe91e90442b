select * from "gdbt"."main_marts"."orders" where amount_cents < 0
