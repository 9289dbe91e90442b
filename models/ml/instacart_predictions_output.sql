-- The product step: for every user and every product they bought before, the probability
-- that the product is in the user's next order (train and test users alike).
with scored as (
    {{ logistic_regression_score(ref('instacart_model'), ref('fct_reorder_candidates'), instacart_features(), 'reorder_probability') }}
)
select
    user_id,
    product_id,
    target_order_id,
    eval_set,
    reorder_probability,
    {{ dbt.current_timestamp() }} as scored_at
from scored
