select order_hour_of_day
from "gdbt"."main"."mart_reorder_rate_by_hour"
where order_hour_of_day is null
