select
    id as unique_field,
    count(*) as n_records
from "e2e"."main"."t_people"
where id is not null
group by id
having count(*) > 1
