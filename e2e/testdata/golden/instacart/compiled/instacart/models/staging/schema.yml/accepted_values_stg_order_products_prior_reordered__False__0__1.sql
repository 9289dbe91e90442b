with all_values as (
    select
        reordered as value_field,
        count(*) as n_records
    from "gdbt"."main"."stg_order_products_prior"
    group by reordered
)
select *
from all_values
where value_field not in (
    0, 1
)
