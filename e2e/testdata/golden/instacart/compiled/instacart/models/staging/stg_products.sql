select
    cast(product_id as integer) as product_id,
    cast(product_name as varchar) as product_name,
    cast(aisle_id as integer) as aisle_id,
    cast(department_id as integer) as department_id
from read_csv_auto('<project>/data/instacart_sample/products.csv.gz')
