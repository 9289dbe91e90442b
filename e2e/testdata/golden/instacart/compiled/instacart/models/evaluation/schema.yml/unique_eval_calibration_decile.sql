select
    decile as unique_field,
    count(*) as n_records
from "gdbt"."main"."eval_calibration"
where decile is not null
group by decile
having count(*) > 1
