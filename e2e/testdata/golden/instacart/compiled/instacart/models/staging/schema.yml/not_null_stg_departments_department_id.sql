select department_id
from "gdbt"."main"."stg_departments"
where department_id is null
