-- Prior basket lines with the order's attributes: the grain every feature aggregates.
-- A view: writing its 9 columns x 32.5 M rows at full scale cost 5.5 s CPU (4 s of it the
-- write), more than its six readers (fct_user_product_features, fct_product_features, two
-- marts, two tests) spend joining the lines to dim_orders themselves, each reading only the
-- columns it needs: whole builds 2.0-2.8 s CPU and 1.2-1.4 s wall less (bench/README.md,
-- issue 19). The same choice as fct_reorder_candidates.

select
    op.order_id,
    o.user_id,
    op.product_id,
    op.add_to_cart_order,
    op.reordered,
    o.order_number,
    o.order_dow,
    o.order_hour_of_day,
    o.days_since_first_order
from "gdbt"."main"."stg_order_products_prior" as op
join "gdbt"."main"."dim_orders" as o on o.order_id = op.order_id
where o.eval_set = 'prior'
