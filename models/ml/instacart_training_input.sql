-- The training split: what the in-warehouse logistic regression learns from. A view: the
-- training reads it once (into a scratch table of its own), so a table here only copied
-- 6.8 M rows of fct_reorder_training_data at full scale (10-20 s, bench/README.md).
{{ config(materialized='view') }}
select *
from {{ ref('fct_reorder_training_data') }}
where split = 'train'
