-- Dashboard tile: aisles whose customers are least likely to come back for the same items
-- (lowest mean predicted reorder probability), banded red / yellow / green.
with by_aisle as (
    select
        p.aisle_id,
        p.aisle,
        p.department,
        count(*) as candidate_pairs,
        avg(o.reorder_probability) as mean_reorder_probability
    from "gdbt"."main"."instacart_predictions_output" as o
    join "gdbt"."main"."dim_products" as p on p.product_id = o.product_id
    group by p.aisle_id, p.aisle, p.department
)
select
    aisle_id,
    aisle,
    department,
    candidate_pairs,
    mean_reorder_probability,
    case
        when mean_reorder_probability < 0.08 then 'red'
        when mean_reorder_probability < 0.12 then 'yellow'
        else 'green'
    end as risk_band
from by_aisle
