with all_values as (
    select
        name as value_field,
        count(*) as n_records
    from "e2e"."main"."t_people"
    group by name
)
select *
from all_values
where value_field not in (
    'ALICE', 'BOB', 'CAROL'
)
