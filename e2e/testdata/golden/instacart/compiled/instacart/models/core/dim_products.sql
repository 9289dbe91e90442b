-- Products with their aisle and department names.
select
    p.product_id,
    p.product_name,
    p.aisle_id,
    a.aisle,
    p.department_id,
    d.department
from "gdbt"."main"."stg_products" as p
left join "gdbt"."main"."stg_aisles" as a on a.aisle_id = p.aisle_id
left join "gdbt"."main"."stg_departments" as d on d.department_id = p.department_id
