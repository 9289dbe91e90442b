select
    order_hour_of_day as unique_field,
    count(*) as n_records
from "gdbt"."main"."mart_reorder_rate_by_hour"
where order_hour_of_day is not null
group by order_hour_of_day
having count(*) > 1
