select id
from "gdbt"."golden"."stg_people"
where id is null
