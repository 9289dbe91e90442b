-- Dashboard tile: users expected to reorder the most items in their next order.
select
    user_id,
    count(*) as candidate_products,
    sum(reorder_probability) as expected_reorders,
    max(reorder_probability) as top_probability
from "gdbt"."main"."instacart_predictions_output"
group by user_id
order by expected_reorders desc, user_id
limit 50
