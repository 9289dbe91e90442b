

select id, name, cast(joined as timestamp) + (case when id = 2 then 1 else 0 end) * interval '1 day' as updated
from "gdbt"."golden"."stg_people"
