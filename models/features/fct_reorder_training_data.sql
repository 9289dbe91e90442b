-- Candidates of users whose next order is known ('train'), labelled 1 when the product is in
-- that order, and split by user: a fixed multiplicative hash of user_id puts about
-- var('validation_pct') percent of users in 'validation', so evaluation is out of sample and
-- the split is the same on every engine and every run (macros/instacart_features.sql).
-- A view, as fct_reorder_candidates: the training reads the train split once, the
-- evaluation the validation split once.
{{ config(materialized='view') }}
select
    c.*,
    case when tr.product_id is null then 0 else 1 end as label,
    {{ instacart_split('c.user_id') }} as split
from {{ ref('fct_reorder_candidates') }} as c
left join {{ ref('stg_order_products_train') }} as tr
    on tr.order_id = c.target_order_id and tr.product_id = c.product_id
where c.eval_set = 'train'
