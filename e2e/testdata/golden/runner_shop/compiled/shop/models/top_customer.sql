select * from "gdbt"."main"."customer_totals" order by total desc limit 1
