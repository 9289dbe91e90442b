select order_id
from read_csv_auto('<project>/data/instacart_sample/orders.csv.gz')
where order_id is null
