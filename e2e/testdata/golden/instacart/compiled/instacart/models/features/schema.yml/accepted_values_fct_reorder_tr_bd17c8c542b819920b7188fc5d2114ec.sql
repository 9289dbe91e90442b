with all_values as (
    select
        split as value_field,
        count(*) as n_records
    from "gdbt"."main"."fct_reorder_training_data"
    group by split
)
select *
from all_values
where value_field not in (
    'train', 'validation'
)
