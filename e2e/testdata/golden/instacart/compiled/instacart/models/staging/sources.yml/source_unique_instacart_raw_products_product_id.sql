select
    product_id as unique_field,
    count(*) as n_records
from read_csv_auto('<project>/data/instacart_sample/products.csv.gz')
where product_id is not null
group by product_id
having count(*) > 1
