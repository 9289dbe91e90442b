select id
from "gdbt"."main"."customer_totals"
where id is null
