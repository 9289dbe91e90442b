with all_values as (
    select
        name as value_field,
        count(*) as n_records
    from "gdbt"."golden"."stg_people"
    group by name
)
select *
from all_values
where value_field not in (
    'Ann', 'Bob', 'Cy'
)
