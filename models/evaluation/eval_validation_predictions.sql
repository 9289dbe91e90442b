-- Held-out users only: the model never saw them, so these scores measure generalisation.
-- Their scores are instacart_predictions_output's (the same score of the same candidate
-- rows, computed there for every user), labelled here as fct_reorder_training_data labels
-- them: scoring them a second time through the candidate joins cost 0.9 s at full scale
-- (bench/README.md, issue 19).
select
    p.user_id,
    p.product_id,
    p.target_order_id,
    case when tr.product_id is null then 0 else 1 end as label,
    p.reorder_probability
from {{ ref('instacart_predictions_output') }} as p
left join {{ ref('stg_order_products_train') }} as tr
    on tr.order_id = p.target_order_id and tr.product_id = p.product_id
where p.eval_set = 'train'
    and {{ instacart_split('p.user_id') }} = 'validation'
