select product_id
from read_csv_auto('<project>/data/instacart_sample/products.csv.gz')
where product_id is null
