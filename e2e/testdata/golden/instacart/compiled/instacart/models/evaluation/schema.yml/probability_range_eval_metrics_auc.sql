
select auc
from "gdbt"."main"."eval_metrics"
where auc < 0 or auc > 1
