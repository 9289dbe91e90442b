select decile
from "gdbt"."main"."eval_calibration"
where decile is null
