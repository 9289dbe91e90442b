select
    t as unique_field,
    count(*) as n_records
from "gdbt"."main"."eval_thresholds"
where t is not null
group by t
having count(*) > 1
