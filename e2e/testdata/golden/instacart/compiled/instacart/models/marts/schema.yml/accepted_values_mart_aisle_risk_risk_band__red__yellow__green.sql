with all_values as (
    select
        risk_band as value_field,
        count(*) as n_records
    from "gdbt"."main"."mart_aisle_risk"
    group by risk_band
)
select *
from all_values
where value_field not in (
    'red', 'yellow', 'green'
)
