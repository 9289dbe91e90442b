select bucket
from "gdbt"."main"."mart_score_distribution"
where bucket is null
