
select id, val, 'x' as tag,
    cast(id as integer) as num
from "e2e"."raw"."events"
