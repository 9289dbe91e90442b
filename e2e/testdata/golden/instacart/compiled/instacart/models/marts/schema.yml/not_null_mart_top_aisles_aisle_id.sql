select aisle_id
from "gdbt"."main"."mart_top_aisles"
where aisle_id is null
