select id
from "e2e"."main"."t_people"
where id is null
