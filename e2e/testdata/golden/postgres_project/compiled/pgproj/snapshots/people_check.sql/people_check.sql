

select id, case when id = 1 and 1 > 1 then 'Anna' else name end as name
from "gdbt"."golden"."stg_people"
