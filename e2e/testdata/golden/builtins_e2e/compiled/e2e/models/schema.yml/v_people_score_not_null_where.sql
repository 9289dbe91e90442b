select score
from (select * from "e2e"."main"."v_people" where id < 3) dbt_subquery
where score is null
