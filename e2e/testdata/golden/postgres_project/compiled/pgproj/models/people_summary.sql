
select active, count(*) as n, sum(coalesce(score, 0)) as total
from "gdbt"."golden"."stg_people"
group by active
