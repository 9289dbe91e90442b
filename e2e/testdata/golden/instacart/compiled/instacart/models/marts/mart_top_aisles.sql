-- Dashboard tile: the aisles with the most basket lines.
select
    p.aisle_id,
    p.aisle,
    count(*) as lines,
    avg(l.reordered * 1.0) as reorder_rate
from "gdbt"."main"."fct_order_products" as l
join "gdbt"."main"."dim_products" as p on p.product_id = l.product_id
group by p.aisle_id, p.aisle
order by lines desc, p.aisle_id
limit 20
