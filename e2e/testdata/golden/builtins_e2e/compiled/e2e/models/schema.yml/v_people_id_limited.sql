with all_values as (
    select
        id as value_field,
        count(*) as n_records
    from "e2e"."main"."v_people"
    group by id
)
select *
from all_values
where value_field not in (
    7
)
