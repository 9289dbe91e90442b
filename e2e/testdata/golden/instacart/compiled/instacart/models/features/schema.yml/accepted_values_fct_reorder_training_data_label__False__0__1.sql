with all_values as (
    select
        label as value_field,
        count(*) as n_records
    from "gdbt"."main"."fct_reorder_training_data"
    group by label
)
select *
from all_values
where value_field not in (
    0, 1
)
