-- The training split: what the in-warehouse logistic regression learns from.
select *
from {{ ref('fct_reorder_training_data') }}
where split = 'train'
