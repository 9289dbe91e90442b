select
    order_id as unique_field,
    count(*) as n_records
from read_csv_auto('<project>/data/instacart_sample/orders.csv.gz')
where order_id is not null
group by order_id
having count(*) > 1
