select aisle_id
from "gdbt"."main"."stg_aisles"
where aisle_id is null
