with all_values as (
    select
        eval_set as value_field,
        count(*) as n_records
    from read_csv_auto('<project>/data/instacart_sample/orders.csv.gz')
    group by eval_set
)
select *
from all_values
where value_field not in (
    'prior', 'train', 'test'
)
