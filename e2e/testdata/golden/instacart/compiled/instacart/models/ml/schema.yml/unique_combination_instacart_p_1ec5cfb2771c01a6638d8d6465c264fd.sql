
select user_id, product_id, count(*) as n
from "gdbt"."main"."instacart_predictions_output"
group by user_id, product_id
having count(*) > 1
