select t
from "gdbt"."main"."eval_thresholds"
where t is null
