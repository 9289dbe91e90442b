{#- The reorder model: a logistic regression trained in the warehouse on the training split
    (see macros/logistic_regression.sql). Newton's method converges in a handful of scans;
    solver='gradient_descent' is the first-order alternative. -#}
{{ config(
    materialized='logistic_regression',
    features=instacart_features(),
    label='label',
    solver='newton',
    l2=1.0,
    max_iter=25,
    tol=0.000001,
) }}
select * from {{ ref('instacart_training_input') }}
