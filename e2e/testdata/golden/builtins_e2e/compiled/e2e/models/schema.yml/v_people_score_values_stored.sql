with all_values as (
    select
        score as value_field,
        count(*) as n_records
    from "e2e"."main"."v_people"
    group by score
)
select *
from all_values
where value_field not in (
    10
)
