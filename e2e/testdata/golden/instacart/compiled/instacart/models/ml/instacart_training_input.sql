-- The training split: what the in-warehouse logistic regression learns from.
select *
from "gdbt"."main"."fct_reorder_training_data"
where split = 'train'
