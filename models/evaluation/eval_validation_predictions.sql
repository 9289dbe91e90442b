-- Held-out users only: the model never saw them, so these scores measure generalisation.
with scored as (
    {{ logistic_regression_score(ref('instacart_model'), ref('fct_reorder_training_data'), instacart_features(), 'reorder_probability') }}
)
select user_id, product_id, target_order_id, label, reorder_probability
from scored
where split = 'validation'
