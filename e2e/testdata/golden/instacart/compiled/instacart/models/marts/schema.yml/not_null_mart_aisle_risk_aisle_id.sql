select aisle_id
from "gdbt"."main"."mart_aisle_risk"
where aisle_id is null
