-- Dashboard tile: share of basket lines that are reorders, by hour of day.
select
    order_hour_of_day,
    count(*) as lines,
    avg(reordered * 1.0) as reorder_rate
from "gdbt"."main"."fct_order_products"
group by order_hour_of_day
