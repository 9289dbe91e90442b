select
    bucket as unique_field,
    count(*) as n_records
from "gdbt"."main"."mart_score_distribution"
where bucket is not null
group by bucket
having count(*) > 1
