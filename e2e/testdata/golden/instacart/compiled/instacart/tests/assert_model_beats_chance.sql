-- The model must rank held-out reorders well above chance and beat the base-rate log loss.
select *
from "gdbt"."main"."eval_metrics"
where auc < 0.65 or log_loss >= base_rate_log_loss
