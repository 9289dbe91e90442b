select auc
from "gdbt"."main"."eval_metrics"
where auc is null
