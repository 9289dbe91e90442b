select
    feature as unique_field,
    count(*) as n_records
from "gdbt"."main"."instacart_model"
where feature is not null
group by feature
having count(*) > 1
