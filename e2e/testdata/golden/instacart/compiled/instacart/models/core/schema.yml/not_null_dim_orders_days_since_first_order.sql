select days_since_first_order
from "gdbt"."main"."dim_orders"
where days_since_first_order is null
